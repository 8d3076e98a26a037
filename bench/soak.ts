/**
 * Soak with a nemesis (issue 14): a local fleet's HTTP API at half its
 * measured capacity for 30 minutes, a fault every 2 minutes (kill -9, SIGSTOP
 * and a memory alarm of a broker, the registry unreachable, the prober
 * stopped), then a drain of every broker. Checks: nothing accepted is lost, no
 * request fails while a broker is usable, the API's heap and handles stay flat,
 * broker connections stay bounded. The API runs in this process; the load and
 * the registry (dynalite) in forked children.
 *
 * @example npx tsx bench/soak.ts --minutes 6 --nemesis-every-s 60
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { type ApiHost, hostRegistry, startApiHost } from './soak/api-host.js';
import { type ApiSample, heapAfterGc, sampleApi } from './soak/api-sample.js';
import { waitAllHealthy } from './soak/fleet-health.js';
import { runLoadChild } from './soak/load-child.js';
import type { FaultPeriod, FromLoad, MinuteFigures, ToLoad } from './soak/messages.js';
import { createNemesis, FAULT_MS, type FaultWindow, sparesBrokers } from './soak/nemesis.js';
import { formatReport } from './soak/report.js';
import { parseSoakSettings } from './soak/settings.js';
import { timerOrigins, tracingTimers } from './soak/timer-origins.js';
import { Cleanups } from './support/cleanups.js';
import { machineLine } from './support/machine-line.js';

/** The API is sampled this long before each minute ends. */
const SAMPLE_EARLY_MS = 5_000;
/** A sample counts as quiet (judged for flatness) when no fault is on and the last one was undone this long ago. */
const QUIET_AFTER_MS = 10_000;

const say = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The load child, with a typed way to ask and wait for one answer. */
function forkLoad(cleanups: Cleanups) {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--load-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.add(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`load child exited (code ${code})`))),
  );
  exited.catch(() => undefined);
  const tell = (message: ToLoad) => child.send(message);
  const ask = <T extends FromLoad['type']>(message: ToLoad, answer: T) =>
    Promise.race([
      exited,
      new Promise<Extract<FromLoad, { type: T }>>((resolve, reject) => {
        const hear = (reply: FromLoad) => {
          if (reply.type === 'failed') reject(new Error(`load child: ${reply.reason}`));
          else if (reply.type !== answer) return;
          else resolve(reply as Extract<FromLoad, { type: T }>);
          child.off('message', hear);
        };
        child.on('message', hear);
        tell(message);
      }),
    ]);
  return { tell, ask };
}

async function serverOf(url: string) {
  const connection = await connect(url);
  const server = connection.connection.serverProperties;
  await connection.close();
  return server;
}

async function main(): Promise<void> {
  const settings = parseSoakSettings(process.argv.slice(2));
  const cleanups = new Cleanups();
  let interrupted = false;
  for (const name of ['SIGINT', 'SIGTERM'] as const)
    process.once(name, () => {
      interrupted = true;
      say(`${name}: cleaning up...`);
      void cleanups.run().finally(() => process.exit(130));
    });
  try {
    const loadBefore = loadavg();
    const dataDir = await mkdtemp(join(tmpdir(), 'warren-soak-'));
    cleanups.add(() => rm(dataDir, { recursive: true, force: true }));
    say(`starting 3 brokers, dynalite behind a proxy, the prober and the API in ${dataDir}...`);
    const host: ApiHost = await startApiHost(dataDir, fileURLToPath(import.meta.url), cleanups);
    const brokerUrls = host.brokers.map((b) => ({ id: b.id, url: b.local?.url ?? '' }));
    const server = await serverOf(brokerUrls[0]?.url ?? '');
    await waitAllHealthy(host.apiUrl, host.brokers.length);
    const load = forkLoad(cleanups);
    say(`API ${host.apiUrl}; measuring capacity for ${settings.capacitySeconds} s...`);
    const { messagesPerS: capacityPerS } = await load.ask(
      { type: 'capacity', apiUrl: host.apiUrl, seconds: settings.capacitySeconds },
      'capacity',
    );
    const ratePerS = capacityPerS * settings.rateShare;
    if (!(ratePerS >= 1)) throw new Error(`capacity ${capacityPerS} msg/s: nothing to soak at`);
    // About 20 batches a second, 20 to 100 messages each.
    const batch = Math.min(100, Math.max(20, Math.round(ratePerS / 20)));
    const intervalMs = (batch / ratePerS) * 1_000;
    say(
      `capacity ${capacityPerS.toFixed(0)} msg/s; steady load ${ratePerS.toFixed(0)} msg/s, a batch of ${batch} every ${intervalMs.toFixed(1)} ms`,
    );
    await sleep(2_000);

    const amqpPorts = new Map(host.brokers.map((b) => [b.id, Number(new URL(b.endpoint).port)]));
    const startMs = Date.now();
    const endAt = startMs + settings.minutes * 60_000;
    load.tell({ type: 'load', apiUrl: host.apiUrl, messagesPerS: ratePerS, batch });
    let faultOn = false;
    let lastUndoneMs = 0;
    const samples: ApiSample[] = [];
    const minutes: MinuteFigures[] = [];
    const sampling = (async () => {
      for (let minute = 1; minute <= settings.minutes; minute++) {
        // Just before the minute ends, so a fault starting on the minute is not in the sample.
        await sleep(Math.max(0, startMs + minute * 60_000 - SAMPLE_EARLY_MS - Date.now()));
        const { figures } = await load.ask({ type: 'minute' }, 'minute');
        const quiet = !faultOn && Date.now() - lastUndoneMs >= QUIET_AFTER_MS;
        const sample = await sampleApi(
          minute,
          { amqp: amqpPorts, api: Number(new URL(host.apiUrl).port) },
          quiet,
        );
        if (tracingTimers) say(`  live timers by origin: ${JSON.stringify(timerOrigins())}`);
        samples.push(sample);
        minutes.push(figures);
        say(
          `minute ${minute}: ${figures.messagesPerS.toFixed(0)} msg/s, ${figures.accepted} accepted, ` +
            `${figures.failedMessages} failed msgs in ${figures.failedRequests} requests, max ${figures.maxLatencyMs} ms, ` +
            `${figures.inFlight} in flight, ${figures.skippedTicks} skipped; ${quiet ? 'quiet' : 'fault on or just undone'}: heap ${sample.heapMb.toFixed(1)} MB, ` +
            `${sample.handles} handles ${JSON.stringify(sample.handleKinds)}, connections ${JSON.stringify(sample.connections)}`,
        );
      }
    })();

    const nemesis = createNemesis(host, cleanups);
    const windows: FaultWindow[] = [];
    let brokerTurn = 0;
    for (let k = 1; ; k++) {
      const kind = settings.faults[(k - 1) % settings.faults.length];
      const atMs = startMs + k * settings.nemesisEveryS * 1_000;
      if (!kind || atMs + FAULT_MS[kind] > endAt) break;
      await sleep(Math.max(0, atMs - Date.now()));
      const broker = host.brokers[brokerTurn % host.brokers.length];
      if (!broker) break;
      if (!sparesBrokers(kind)) brokerTurn += 1;
      say(`fault ${k}: ${kind}${sparesBrokers(kind) ? '' : ` ${broker.id}`} starts`);
      faultOn = true;
      const window = await nemesis(kind, broker);
      faultOn = false;
      lastUndoneMs = window.undoneMs;
      windows.push(window);
      say(
        `fault ${k}: ${kind} ${window.target} undone after ${((window.undoneMs - window.startMs) / 1000).toFixed(1)} s: ${window.note}`,
      );
    }
    // The last minute's sample is taken under load, before the load stops.
    await sampling;
    await sleep(Math.max(0, endAt - Date.now()));
    say('load ends; waiting for requests in flight...');
    await load.ask({ type: 'stop' }, 'stopped');
    const endMs = Date.now();
    const loadAfter = loadavg();
    const healthyAfterMs = await waitAllHealthy(host.apiUrl, host.brokers.length).catch(
      (error: Error) => error.message,
    );
    say('draining every broker...');
    const periods: FaultPeriod[] = windows.map((w, i) => ({
      label: `${w.kind} ${w.target}`,
      startMs: w.startMs,
      undoneMs: w.undoneMs,
      endMs: windows[i + 1]?.startMs ?? endMs,
      usableBrokers: sparesBrokers(w.kind) ? host.brokers.length : host.brokers.length - 1,
    }));
    const { figures } = await load.ask(
      { type: 'audit', brokerUrls, periods, startMs, endMs },
      'audit',
    );
    console.log(
      formatReport({
        machine: machineLine({ server, loadBefore, loadAfter }),
        settings,
        capacityPerS,
        ratePerS,
        batch,
        intervalMs,
        heapAfterGc,
        startMs,
        endMs,
        healthyAfterMs,
        windows,
        samples,
        minutes,
        load: figures,
        connectionBound: 2 * host.brokers.length,
      }),
    );
  } finally {
    if (!interrupted) {
      say('cleaning up...');
      await cleanups.run();
    }
  }
}

if (process.argv.includes('--load-child')) await runLoadChild();
else if (process.argv.includes('--registry-host')) await hostRegistry();
else
  await main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
