/**
 * One measured run each: hold `count` idle publisher connections (memory,
 * CPU to open them, CPU to keep them), or open `count` at once or in batches
 * (the burst a scale-up brings). The broker holds no client connection
 * before and after each run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs, processesCpuMs } from '../support/measure.js';
import type { TlsBroker } from '../support/tls-broker.js';
import { type BrokerMemory, readBrokerMemory, waitForConnections } from './broker-gauges.js';
import { closeLinks, openLinks, type Protocol } from './open-links.js';
import { BATCH, IDLE_MS, SETTLE_MS } from './settings.js';

export interface OpeningCost {
  readonly opened: number;
  readonly failures: readonly string[];
  readonly wallMs: number;
  /** The broker VM's CPU over the opening, less what it spends idle in as long. */
  readonly brokerCpuMs: number;
  /** This process's CPU over the opening: what a container's connects cost it. */
  readonly clientCpuMs: number;
  readonly latenciesMs: readonly number[];
}

export interface IdleRun extends OpeningCost {
  readonly protocol: Protocol;
  readonly count: number;
  /** Settled: read `SETTLE_MS` after the last open, as the broker runs. */
  readonly before: BrokerMemory;
  readonly after: BrokerMemory;
  /** Settled, read again at the end of the idle hold (`IDLE_MS` later): what garbage the idle connections let go of. */
  readonly afterIdle: BrokerMemory;
  /** The same after every process was garbage collected. */
  readonly beforeCollected: BrokerMemory;
  readonly afterCollected: BrokerMemory;
  /** The broker's CPU while the connections sit idle (heartbeats, stats), less its idle rate without them, ms a second. */
  readonly idleCpuMsPerSecond: number;
}

export interface BurstRun extends OpeningCost {
  readonly protocol: Protocol;
  readonly count: number;
  readonly concurrency: number;
}

/** The broker's CPU ms per second with no client connected (management stats, timers). */
export async function idleBrokerCpuMsPerSecond(broker: TlsBroker, ms: number): Promise<number> {
  await waitForConnections(broker, 0);
  const before = await brokerCpuMs(broker);
  await sleep(ms);
  return ((await brokerCpuMs(broker)) - before) / (ms / 1_000);
}

export async function idleRun(
  broker: TlsBroker,
  protocol: Protocol,
  count: number,
  baselineCpuMsPerSecond: number,
): Promise<IdleRun> {
  await waitForConnections(broker, 0);
  const before = await readBrokerMemory(broker, { gc: false });
  const beforeCollected = await readBrokerMemory(broker, { gc: true });
  const { links, ...opening } = await measureOpening(
    broker,
    protocol,
    count,
    BATCH,
    baselineCpuMsPerSecond,
  );
  try {
    await sleep(SETTLE_MS);
    const after = await readBrokerMemory(broker, { gc: false });
    const idleBefore = await brokerCpuMs(broker);
    await sleep(IDLE_MS);
    const idleCpuMsPerSecond =
      ((await brokerCpuMs(broker)) - idleBefore) / (IDLE_MS / 1_000) - baselineCpuMsPerSecond;
    const afterIdle = await readBrokerMemory(broker, { gc: false });
    const afterCollected = await readBrokerMemory(broker, { gc: true });
    return {
      protocol,
      count,
      ...opening,
      before,
      after,
      afterIdle,
      beforeCollected,
      afterCollected,
      idleCpuMsPerSecond,
    };
  } finally {
    await closeLinks(links, BATCH);
    await waitForConnections(broker, 0);
  }
}

export async function burstRun(
  broker: TlsBroker,
  protocol: Protocol,
  count: number,
  concurrency: number,
  baselineCpuMsPerSecond: number,
): Promise<BurstRun> {
  await waitForConnections(broker, 0);
  const { links, ...opening } = await measureOpening(
    broker,
    protocol,
    count,
    concurrency,
    baselineCpuMsPerSecond,
  );
  await closeLinks(links, BATCH);
  await waitForConnections(broker, 0);
  return { protocol, count, concurrency, ...opening };
}

async function measureOpening(
  broker: TlsBroker,
  protocol: Protocol,
  count: number,
  concurrency: number,
  baselineCpuMsPerSecond: number,
) {
  const brokerBefore = await brokerCpuMs(broker);
  const clientBefore = cpuMs();
  const opened = await openLinks(broker, protocol, count, concurrency);
  const clientCpuMs = cpuMs() - clientBefore;
  const brokerCpu = (await brokerCpuMs(broker)) - brokerBefore;
  return {
    links: opened.links,
    opened: opened.links.length,
    failures: opened.failures,
    wallMs: opened.wallMs,
    brokerCpuMs: brokerCpu - baselineCpuMsPerSecond * (opened.wallMs / 1_000),
    clientCpuMs,
    latenciesMs: opened.latenciesMs,
  };
}

async function brokerCpuMs(broker: TlsBroker): Promise<number> {
  const ms = await processesCpuMs([broker.pid]);
  if (ms === undefined) throw new Error(`cannot read /proc/${broker.pid}/stat`);
  return ms;
}
