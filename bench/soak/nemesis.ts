/** The five faults of issue 14, each applied to the API host's real parts and undone after its window. */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetBrokerDescription } from '../../src/fleet/fleet-state.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import type { Cleanups } from '../support/cleanups.js';
import type { ApiHost } from './api-host.js';

export const FAULT_KINDS = ['kill', 'stop', 'alarm', 'registry', 'prober'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const STOP_MS = 8_000;
const ALARM_MS = 20_000;
const REGISTRY_MS = 30_000;
const PROBER_MS = 60_000;
/** How long a killed broker may take to be restarted by its supervisor and ready. */
const RESTART_TIMEOUT_MS = 120_000;

/** How long a fault lasts at most, for fitting faults into the run. */
export const FAULT_MS: Readonly<Record<FaultKind, number>> = {
  kill: 30_000,
  stop: STOP_MS,
  alarm: ALARM_MS,
  registry: REGISTRY_MS,
  prober: PROBER_MS,
};

export interface FaultWindow {
  readonly kind: FaultKind;
  /** A broker id, or `registry` / `prober`. */
  readonly target: string;
  readonly startMs: number;
  readonly undoneMs: number;
  /** What happened, e.g. `restarted by its supervisor after 4.1 s`. */
  readonly note: string;
}

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    if (pid > 0) process.kill(pid, name);
  } catch {
    // ESRCH: already gone.
  }
};

export function createNemesis(host: ApiHost, cleanups: Cleanups) {
  const stopped = new Set<number>();
  cleanups.add(async () => {
    for (const pid of stopped) signal(pid, 'SIGCONT');
  });
  const local = (broker: FleetBrokerDescription) => {
    if (!broker.local) throw new Error(`${broker.id}: not a local broker`);
    return broker.local;
  };
  const pidOf = async (broker: FleetBrokerDescription) =>
    Number.parseInt(await readFile(local(broker).pidFile, 'utf8'), 10);
  const supervisorOf = (broker: FleetBrokerDescription) => {
    const supervisor = host.supervisors.find((s) => s.id === broker.id);
    if (!supervisor) throw new Error(`${broker.id}: no supervisor`);
    return supervisor;
  };
  const watermark = (broker: FleetBrokerDescription, value: string) =>
    rabbitmqctl(host.install, local(broker), ['set_vm_memory_high_watermark', value]);

  /** Applies `kind` (to `broker` for broker faults), waits out its window, undoes it. */
  return async function run(kind: FaultKind, broker: FleetBrokerDescription): Promise<FaultWindow> {
    const startMs = Date.now();
    const done = (target: string, note: string): FaultWindow => ({
      kind,
      target,
      startMs,
      undoneMs: Date.now(),
      note,
    });
    switch (kind) {
      case 'kill': {
        const supervisor = supervisorOf(broker);
        const before = supervisor.lifecycle;
        const pid = before.state === 'running' ? before.pid : await pidOf(broker);
        signal(pid, 'SIGKILL');
        const deadline = Date.now() + RESTART_TIMEOUT_MS;
        for (;;) {
          const now = supervisor.lifecycle;
          if (now.state === 'running' && now.pid !== pid)
            return done(
              broker.id,
              `kill -9 of pid ${pid}; restarted and ready after ${((Date.now() - startMs) / 1000).toFixed(1)} s`,
            );
          if (Date.now() > deadline)
            return done(
              broker.id,
              `kill -9 of pid ${pid}; NOT restarted after ${RESTART_TIMEOUT_MS / 1000} s (${now.state})`,
            );
          await sleep(200);
        }
      }
      case 'stop': {
        const pid = await pidOf(broker);
        stopped.add(pid);
        signal(pid, 'SIGSTOP');
        await sleep(STOP_MS);
        signal(pid, 'SIGCONT');
        stopped.delete(pid);
        return done(broker.id, `SIGSTOP of pid ${pid} for ${STOP_MS / 1000} s`);
      }
      case 'alarm': {
        await watermark(broker, '0.000001');
        const setMs = Date.now() - startMs;
        await sleep(ALARM_MS);
        await watermark(broker, '0.4');
        return done(
          broker.id,
          `watermark 0.000001 (set in ${(setMs / 1000).toFixed(1)} s) for ${ALARM_MS / 1000} s, then 0.4`,
        );
      }
      case 'registry':
        host.registryProxy.cut();
        await sleep(REGISTRY_MS);
        host.registryProxy.restore();
        return done('registry', `proxy to dynalite black-holed for ${REGISTRY_MS / 1000} s`);
      case 'prober':
        await host.stopProber();
        await sleep(PROBER_MS);
        host.startProber();
        return done('prober', `prober loop stopped for ${PROBER_MS / 1000} s`);
      default: {
        const never: never = kind;
        throw new Error(`unknown fault ${String(never)}`);
      }
    }
  };
}

/** Faults that leave every broker usable. */
export const sparesBrokers = (kind: FaultKind) => kind === 'registry' || kind === 'prober';
