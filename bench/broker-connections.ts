/**
 * What a publisher connection costs a broker (issue 15, broker fan-in): one
 * real RabbitMQ node configured as an EC2 broker is (AMQPS and management
 * HTTPS, a P-256 certificate from a throwaway RSA 3072 CA), plus a plain AMQP
 * listener on the same node as the baseline. For each count of connections
 * (`--connections`, ascending) and each protocol, repeated: open that many
 * links as a warm container's pool does (`openLink`: heartbeat 5 s, a confirm
 * channel), 10 in flight; read the broker's memory (`rabbit_vm:memory()`,
 * settled and after a full GC, and the VM's RSS) before and after, its CPU
 * (utime + stime of beam.smp, less its idle rate) over the opening and over
 * an idle hold, and this process's CPU; then close them all. Then bursts: the
 * largest count opened all at once against 10 in flight, as a scale-up of
 * that many containers would. Figures are medians over the repetitions, with
 * their ranges; the fan-in model (`npm run bench:fan-in`) takes its inputs
 * from here.
 *
 *   npx tsx bench/broker-connections.ts [--connections 200,1000] [--repetitions 5]
 *     [--burst-repetitions 3] [--batch 10] [--settle-ms 6000] [--idle-ms 10000] [--leaf-key ec-p256|rsa-2048]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BurstRun,
  burstRun,
  type IdleRun,
  idleBrokerCpuMsPerSecond,
  idleRun,
} from './broker-connections/connection-runs.js';
import { closeLinks, openLinks, type Protocol } from './broker-connections/open-links.js';
import {
  breakdownTable,
  burstTable,
  memoryTable,
  openingTable,
} from './broker-connections/report.js';
import {
  BATCH,
  BURST_REPETITIONS,
  CONNECTION_COUNTS,
  IDLE_MS,
  LEAF_KEY,
  REPETITIONS,
  SETTLE_MS,
} from './broker-connections/settings.js';
import { readTlsParameters } from './broker-connections/tls-parameters.js';
import { Cleanups } from './support/cleanups.js';
import { machineLine } from './support/machine-line.js';
import { startTlsBroker } from './support/tls-broker.js';

const PROTOCOLS: readonly Protocol[] = ['amqps', 'amqp'];
const largest = CONNECTION_COUNTS[CONNECTION_COUNTS.length - 1] ?? 0;
const cleanups = new Cleanups();
const loadBefore = loadavg();
const started = performance.now();
const progress = (line: string) => process.stderr.write(`${line}\n`);

try {
  const broker = await startTlsBroker({ plainAmqp: true, leafKey: LEAF_KEY });
  cleanups.add(() => broker.stop());
  const tls = await readTlsParameters(broker);
  const versions = (
    await broker.rabbitmqctl([
      'eval',
      'io:format("RabbitMQ ~s, Erlang/OTP ~s (erts ~s), ~s", [rabbit_misc:version(), erlang:system_info(otp_release), erlang:system_info(version), element(3, hd(crypto:info_lib()))]).',
    ])
  ).replace(/ok\s*$/, '');
  // Loads the ssl and AMQP code paths and grows the allocators once, outside every measure.
  for (const protocol of PROTOCOLS) {
    const warm = await openLinks(broker, protocol, Math.min(largest, 100), BATCH);
    await closeLinks(warm.links, BATCH);
  }
  await sleep(SETTLE_MS);
  const baselineCpuMsPerSecond = await idleBrokerCpuMsPerSecond(broker, IDLE_MS);
  progress(`broker idle: ${baselineCpuMsPerSecond.toFixed(1)} ms CPU a second`);

  const idleRuns: IdleRun[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++)
    // Alternating which protocol goes first, so a drift in the machine's load falls on both.
    for (const count of CONNECTION_COUNTS)
      for (const protocol of rep % 2 ? [...PROTOCOLS].reverse() : PROTOCOLS) {
        const run = await idleRun(broker, protocol, count, baselineCpuMsPerSecond);
        idleRuns.push(run);
        progress(
          `rep ${rep + 1} ${count} ${protocol}: ${run.opened} open in ${Math.round(run.wallMs)} ms, ` +
            `${Math.round((1_000 * run.brokerCpuMs) / run.count)} µs broker CPU each, ` +
            `${((run.after.erlangTotal - run.before.erlangTotal) / run.count / 1024).toFixed(1)} KiB each`,
        );
      }

  const bursts: BurstRun[] = [];
  for (let rep = 0; rep < BURST_REPETITIONS; rep++)
    for (const protocol of PROTOCOLS)
      for (const concurrency of [largest, BATCH]) {
        const run = await burstRun(broker, protocol, largest, concurrency, baselineCpuMsPerSecond);
        bursts.push(run);
        progress(
          `burst ${rep + 1} ${protocol} ${concurrency} in flight: ${run.opened} open in ${Math.round(run.wallMs)} ms, ${run.failures.length} failed`,
        );
      }

  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  console.log(
    `## What a connection costs a broker (${new Date().toISOString().slice(0, 10)}, ${commit})`,
  );
  console.log(
    `\n${versions}. TLS: ${tls.protocol}, ${tls.cipher}, key exchange ${tls.keyExchange}, ` +
      `broker certificate ${tls.certificateKey} signed by a CA of ${tls.caKey}; full handshakes (no session resumption). ` +
      `Broker idle with no client: ${baselineCpuMsPerSecond.toFixed(1)} ms CPU a second, subtracted below.`,
  );
  console.log(
    `\n### Memory per idle publisher connection (connection + confirm channel, heartbeat 5 s), ${REPETITIONS} repetitions\n\n` +
      `Settled: ${SETTLE_MS / 1_000} s after the last open; the idle hold is ${IDLE_MS / 1_000} s more. RSS: the VM's VmRSS, what RabbitMQ's memory watermark compares.\n`,
  );
  console.log(memoryTable(idleRuns));
  console.log('\n### Where it is (rabbit_vm:memory(), per connection, after a full GC, median)\n');
  console.log(breakdownTable(idleRuns));
  console.log(`\n### CPU to open, and to hold idle (${IDLE_MS / 1_000} s)\n`);
  console.log(openingTable(idleRuns, BATCH));
  if (bursts.length > 0) {
    console.log(
      `\n### A burst: ${largest.toLocaleString('en-US')} connections at once against ${BATCH} in flight, ${BURST_REPETITIONS} repetitions\n`,
    );
    console.log(burstTable(bursts));
  }
  console.log(
    `\n${machineLine({ server: undefined, loadBefore, loadAfter: loadavg() })}; ${((performance.now() - started) / 1_000).toFixed(0)} s`,
  );
} finally {
  await cleanups.run();
}
