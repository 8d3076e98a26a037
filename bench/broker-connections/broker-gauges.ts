/**
 * What the bench reads off the broker: its memory as RabbitMQ counts it
 * (`rabbit_vm:memory()`, the breakdown `rabbitmq-diagnostics memory_breakdown`
 * prints), the OS's RSS of its Erlang VM, its CPU time, and how many client
 * connections it holds.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TlsBroker } from '../support/tls-broker.js';

/** Bytes per category of `rabbit_vm:memory()`, plus the VM's counters and the OS's RSS. */
export interface BrokerMemory {
  /** `erlang:memory(total)`: what the VM's allocators hand out. */
  readonly erlangTotal: number;
  /** VmRSS of beam.smp, from /proc (RabbitMQ 3.10's watermark compares RSS). */
  readonly rss: number;
  /** `rabbit_vm:memory()` categories (connection_readers, connection_channels, other_proc, binary, mgmt_db, …). */
  readonly categories: Readonly<Record<string, number>>;
  readonly processCount: number;
  readonly connections: number;
}

const READING = [
  'rabbit_vm:memory() ++ [',
  '{erlang_total, erlang:memory(total)},',
  '{process_count, erlang:system_info(process_count)},',
  '{client_connections, length(rabbit_networking:connections())}].',
].join(' ');

/** Every process collected first (`gc`), for a reading without garbage not yet collected. */
const COLLECT_ALL = '[erlang:garbage_collect(P) || P <- erlang:processes()], ok.';

export async function readBrokerMemory(
  broker: TlsBroker,
  { gc }: { gc: boolean },
): Promise<BrokerMemory> {
  if (gc) await broker.rabbitmqctl(['eval', COLLECT_ALL]);
  const text = await broker.rabbitmqctl(['eval', READING]);
  const categories: Record<string, number> = {};
  // Flat {name, integer} pairs; `total`'s nested list gives erlang, rss and allocated the same way.
  for (const [, name, value] of text.matchAll(/\{(\w+),\s*(\d+)\}/g))
    if (name !== undefined) categories[name] = Number(value);
  const { erlang_total, process_count, client_connections, ...rest } = categories;
  return {
    erlangTotal: erlang_total ?? Number.NaN,
    rss: await rssBytes(broker.pid),
    categories: rest,
    processCount: process_count ?? Number.NaN,
    connections: client_connections ?? Number.NaN,
  };
}

/** VmRSS of `pid` in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/** Waits until the broker holds `count` client connections (closing is asynchronous on its side). */
export async function waitForConnections(
  broker: TlsBroker,
  count: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const held = Number(
      (await broker.rabbitmqctl(['eval', 'length(rabbit_networking:connections()).'])).trim(),
    );
    if (held === count) return;
    if (performance.now() > deadline)
      throw new Error(`the broker holds ${held} connections, expected ${count}`);
    await sleep(500);
  }
}
