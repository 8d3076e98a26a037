/**
 * One fleet size on a fresh table: brokers registered through the registry
 * adapter, probe rounds through `runLeasedRound` on a simulated clock 15 s
 * apart (the deployed cadence, without waiting for it), then the publisher's
 * read through its cached view. Every call is recorded as the server answered it.
 */

import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import type { DynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import type { ProbeTarget } from '../../src/prober/probe-broker.js';
import type { RoundSummary } from '../../src/prober/probe-round.js';
import { runLeasedRound } from '../../src/prober/prober-loop.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { NodeRegistration } from '../../src/registry/health-registry.js';
import { createSnapshotFleetReader } from '../../src/registry/snapshot-fleet-reader.js';
import type { CallRecorder, RecordedCall } from './call-recorder.js';
import { writeUnits } from './cost-model.js';
import { itemBytes, type WireItem } from './item-size.js';
import {
  CACHE_TTL_MS,
  LEASE_TTL_MS,
  PROBE_INTERVAL_MS,
  REFRESH_AFTER_MS,
  REGISTER_CONCURRENCY,
  SETTLE_ROUNDS,
  STEADY_ROUNDS,
} from './settings.js';

export interface ScaleRunInput {
  readonly clients: DynamoDbClients;
  readonly recorder: CallRecorder;
  readonly brokers: number;
  readonly registration: (n: number) => NodeRegistration;
  readonly probe: (target: ProbeTarget) => Promise<ProbeOutcome>;
  readonly reads: number;
}

/** One fleet read: every page of the Query. */
export interface FleetRead {
  readonly pages: number;
  readonly responseBytes: number;
  readonly reportedUnits: number;
  readonly items: readonly WireItem[];
}

/** A publisher's read, timed from the cached view's read to its answer. */
export interface PublisherRead extends FleetRead {
  readonly ms: number;
}

/** A publisher's read of the fleet snapshot through its cached view: every request it made. */
export interface SnapshotRefresh {
  readonly commands: readonly string[];
  readonly responseBytes: number;
  readonly reportedUnits: number;
  /** The snapshot copy item as it came over the wire. */
  readonly item: WireItem | undefined;
  readonly ms: number;
}

/** What publishing the fleet snapshot cost one round: the counter, the strong Query, the copies. */
export interface SnapshotWrite {
  readonly encodedBytes: number;
  readonly counterReportedUnits: number;
  readonly queryPages: number;
  readonly queryReportedUnits: number;
  readonly copyWrites: number;
  readonly copyReportedUnits: number;
}

export interface RoundFigures {
  readonly summary: RoundSummary;
  /** Wall time: lease, read, probes, writes. */
  readonly ms: number;
  readonly read: FleetRead;
  readonly nodeWrites: number;
  /** Health writes the condition refused. */
  readonly conflicts: number;
  readonly nodeReportedUnits: number;
  /** From the item's size before (this round's read) and after (the next read). */
  readonly nodeComputedUnits: number;
  readonly leaseReportedUnits: number;
  readonly snapshot: SnapshotWrite;
}

export interface ScaleRun {
  readonly brokers: number;
  readonly registrationReportedUnits: number;
  readonly rounds: readonly RoundFigures[];
  /** The publisher's reads, after the rounds. */
  readonly reads: readonly PublisherRead[];
  /** The lease item as the last round left it. */
  readonly leaseItem: WireItem | undefined;
  /** The publisher's reads of the fleet snapshot, after the rounds. */
  readonly snapshotReads: readonly SnapshotRefresh[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const reported = (calls: readonly RecordedCall[]) => sum(calls.map((c) => c.reportedUnits ?? 0));

function fleetRead(calls: readonly RecordedCall[]): FleetRead {
  // The snapshot writer's strongly consistent Query is the snapshot's cost, not the round's read.
  const pages = calls.filter((call) => call.command === 'QueryCommand' && !call.consistentRead);
  return {
    pages: pages.length,
    responseBytes: sum(pages.map((page) => page.responseBytes)),
    reportedUnits: reported(pages),
    items: pages.flatMap((page) => page.items ?? []),
  };
}

const sizesById = (items: readonly WireItem[]) =>
  new Map(items.map((item) => [String((item.sk as { S?: string }).S), itemBytes(item)]));

export async function runScale(input: ScaleRunInput): Promise<ScaleRun> {
  const { clients, recorder } = input;
  const tableName = `bench-registry-scale-${input.brokers}-${process.pid}-${Date.now()}`;
  await createRegistryTable(clients.client, tableName);
  const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
  recorder.take();

  const startMs = Date.now();
  for (let n = 1; n <= input.brokers; n += REGISTER_CONCURRENCY) {
    const batch = Array.from(
      { length: Math.min(REGISTER_CONCURRENCY, input.brokers - n + 1) },
      (_, i) => input.registration(n + i),
    );
    await Promise.all(batch.map((r) => registry.registerNode(r, new Date(startMs))));
  }
  const registrationReportedUnits = reported(recorder.take());

  // The simulated clock: what runLeasedRound and each broker's plan (planNode) see, moved one interval a round.
  let nowMs = startMs + 1_000;
  const clock = () => new Date(nowMs);
  const rawRounds: { summary: RoundSummary; calls: RecordedCall[]; ms: number }[] = [];
  let previous: RoundSummary | undefined;
  for (let round = 0; round < SETTLE_ROUNDS + STEADY_ROUNDS; round++) {
    const started = performance.now();
    const summary = await runLeasedRound({
      registry,
      probe: input.probe,
      refreshAfterMs: REFRESH_AFTER_MS,
      // As the prober service passes it: refreshes spread over the rounds.
      intervalMs: PROBE_INTERVAL_MS,
      holder: 'bench-registry-scale',
      leaseTtlMs: LEASE_TTL_MS,
      clock,
      ...(previous && { previous }),
    });
    if (!summary) throw new Error('the bench lost its own prober lease');
    rawRounds.push({ summary, calls: recorder.take(), ms: performance.now() - started });
    previous = summary;
    nowMs += PROBE_INTERVAL_MS;
  }

  const reads: PublisherRead[] = [];
  for (let i = 0; i < input.reads; i++) {
    // A cold view's first read waits for its Query: the same call a warm view makes once per TTL.
    const view = createCachedFleetView({ registry, ttlMs: CACHE_TTL_MS, clock: () => nowMs });
    const started = performance.now();
    await view.read();
    const ms = performance.now() - started;
    reads.push({ ...fleetRead(recorder.take()), ms });
  }
  await registry.readLease();
  const leaseItem = recorder.take()[0]?.items?.[0];

  const snapshotReads: SnapshotRefresh[] = [];
  for (let i = 0; i < input.reads; i++) {
    // As createPublishService composes it: the cached view over one snapshot copy.
    const reader = createSnapshotFleetReader({ snapshots: registry.snapshots, fallback: registry });
    const view = createCachedFleetView({
      registry: reader,
      ttlMs: CACHE_TTL_MS,
      clock: () => nowMs,
    });
    const started = performance.now();
    await view.read();
    const ms = performance.now() - started;
    const calls = recorder.take();
    snapshotReads.push({
      commands: calls.map((call) => call.command),
      responseBytes: sum(calls.map((call) => call.responseBytes)),
      reportedUnits: reported(calls),
      item: calls.find((call) => call.command === 'GetItemCommand')?.items?.[0],
      ms,
    });
  }

  const roundReads = rawRounds.map(({ calls }) => fleetRead(calls));
  const rounds = rawRounds.map(({ summary, calls, ms }, i): RoundFigures => {
    const before = sizesById(roundReads[i]?.items ?? []);
    const after = sizesById((roundReads[i + 1] ?? reads[0])?.items ?? []);
    const writes = calls.filter((c) => c.command === 'UpdateItemCommand');
    const nodeWrites = writes.filter((c) => c.key?.pk === 'node');
    const landed = nodeWrites.filter((c) => c.statusCode === 200);
    return {
      summary,
      ms,
      read: roundReads[i] as FleetRead,
      nodeWrites: landed.length,
      conflicts: nodeWrites.length - landed.length,
      nodeReportedUnits: reported(landed),
      nodeComputedUnits: sum(
        landed.map((c) =>
          writeUnits(before.get(c.key?.sk ?? '') ?? 0, after.get(c.key?.sk ?? '') ?? 0),
        ),
      ),
      leaseReportedUnits: reported(writes.filter((c) => c.key?.pk === 'lease')),
      snapshot: snapshotWrite(summary, calls),
    };
  });
  return {
    brokers: input.brokers,
    registrationReportedUnits,
    rounds,
    reads,
    leaseItem,
    snapshotReads,
  };
}

function snapshotWrite(summary: RoundSummary, calls: readonly RecordedCall[]): SnapshotWrite {
  const strong = calls.filter((c) => c.command === 'QueryCommand' && c.consistentRead);
  const copies = calls.filter(
    (c) => c.command === 'UpdateItemCommand' && c.key?.pk.startsWith('snapshot#'),
  );
  return {
    encodedBytes: summary.snapshot?.state === 'published' ? summary.snapshot.bytes : 0,
    counterReportedUnits: reported(calls.filter((c) => c.key?.pk === 'snapshot')),
    queryPages: strong.length,
    queryReportedUnits: reported(strong),
    copyWrites: copies.filter((c) => c.statusCode === 200).length,
    copyReportedUnits: reported(copies),
  };
}
