import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { runNodes } from '../../src/cli/nodes-command.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { type RoutingNode, routingNodeOf } from '../../src/core/routing-snapshot.js';
import { createDynamoDbClients, type DynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { DEFAULT_SNAPSHOT_COPIES } from '../../src/dynamodb/registry-table.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { DynamoDbFleetSnapshots } from '../../src/registry/dynamodb-fleet-snapshots.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { createSnapshotFleetReader } from '../../src/registry/snapshot-fleet-reader.js';
import { freshRegistry } from '../support/registry.js';

const ok = async (): Promise<ProbeOutcome> => ({ result: 'ok', latencyMs: 2.37 });

/** Counts the SDK commands a client sends, by name (`GetItemCommand`, `QueryCommand`, ...). */
function countCommands(clients: DynamoDbClients) {
  let commands: string[] = [];
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'testCountCommands' },
  );
  return {
    take(): string[] {
      const taken = commands;
      commands = [];
      return taken;
    },
  };
}

async function registryWithBrokers(count: number) {
  const fresh = await freshRegistry();
  for (let n = 1; n <= count; n++) {
    await fresh.registry.registerNode(
      {
        id: `b${n}`,
        endpoint: `amqps://b-${n}.warren.internal:5671`,
        az: `us-east-1${'abc'[n % 3]}`,
        labels: { stack: `WarrenBroker-b${n}` },
      },
      new Date(),
    );
  }
  return fresh;
}

const routing = (nodes: readonly Parameters<typeof routingNodeOf>[0][]): RoutingNode[] =>
  nodes.map(routingNodeOf);
const sequenceOf = (fleet: object) => (fleet as { sequence?: number }).sequence;

describe('the fleet snapshot in DynamoDB', () => {
  it('is published by a probe round and read back with one GetItem, as the broker items route', async () => {
    const { registry, clients } = await registryWithBrokers(5);
    await registry.setAdminState('b3', 'draining', new Date());
    await registry.reportOutlier('b4', new Date(Date.now() + 60_000));
    const summary = await runProbeRound({ registry, probe: ok, refreshAfterMs: 0 });
    const commands = countCommands(clients);
    const reader = createSnapshotFleetReader({ snapshots: registry.snapshots, fallback: registry });

    const fleet = await reader.listNodes();

    expect(commands.take()).toEqual(['GetItemCommand']);
    expect(summary.snapshot).toMatchObject({
      state: 'published',
      written: DEFAULT_SNAPSHOT_COPIES,
      superseded: 0,
    });
    expect(sequenceOf(fleet)).toBe(
      summary.snapshot?.state === 'published' ? summary.snapshot.sequence : -1,
    );
    expect(routing(fleet.nodes)).toEqual(routing((await registry.listNodes()).nodes));
    expect(fleet.nodes.find((node) => node.id === 'b3')?.admin.state).toBe('draining');
    expect(fleet.nodes.find((node) => node.id === 'b4')?.outlierReportedAt).toBeDefined();
  });

  it('writes every copy, each under its own partition key, and a reader with any copy reads the same', async () => {
    const { clients, tableName } = await registryWithBrokers(3);
    const registry = new DynamoDbHealthRegistry({
      client: clients.documentClient,
      tableName,
      snapshotCopies: 3,
    });
    await runProbeRound({ registry, probe: ok, refreshAfterMs: 0 });

    const fleets = await Promise.all(
      [0, 0.5, 0.9].map((random) =>
        createSnapshotFleetReader({
          snapshots: registry.snapshots,
          fallback: registry,
          random: () => random,
        })
          .listNodes()
          .then((fleet) => ({ sequence: sequenceOf(fleet), ids: fleet.nodes.map((n) => n.id) })),
      ),
    );

    expect(new Set(fleets.map((fleet) => JSON.stringify(fleet))).size).toBe(1);
    expect(await Promise.all([0, 1, 2].map((copy) => registry.snapshots.read(copy)))).toEqual(
      [0, 1, 2].map((copy) => expect.objectContaining({ kind: 'found', copy })),
    );
  });

  it('makes a writer with the default copies still write every copy a writer with more has kept', async () => {
    const { clients, tableName } = await registryWithBrokers(2);
    const more = new DynamoDbFleetSnapshots({
      client: clients.documentClient,
      tableName,
      copies: DEFAULT_SNAPSHOT_COPIES + 2,
    });
    const byDefault = new DynamoDbFleetSnapshots({ client: clients.documentClient, tableName });
    await more.publish(new Date());

    const publication = await byDefault.publish(new Date());

    expect(publication.written).toBe(DEFAULT_SNAPSHOT_COPIES + 2);
    const last = await more.read(DEFAULT_SNAPSHOT_COPIES + 1);
    expect(last.kind === 'found' && last.snapshot.sequence).toBe(publication.sequence);
  });

  it('lets the stale writer lose: a sequence taken earlier never overwrites a later one, whatever order the writes land in', async () => {
    const { clients, tableName, registry } = await registryWithBrokers(3);
    // Writer A takes its sequence, then stalls before reading the brokers (a slow prober).
    let releaseA: () => void = () => undefined;
    const aMayRead = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    let aAllocated: () => void = () => undefined;
    const aHasSequence = new Promise<void>((resolve) => {
      aAllocated = resolve;
    });
    const slow = createDynamoDbClients({ endpoint: inject('fleet').registry.endpoint });
    slow.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') {
          aAllocated();
          await aMayRead;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testStallRead' },
    );
    const writerA = new DynamoDbFleetSnapshots({ client: slow.documentClient, tableName });
    const writerB = new DynamoDbFleetSnapshots({ client: clients.documentClient, tableName });

    const a = writerA.publish(new Date());
    await aHasSequence;
    const b = await writerB.publish(new Date());
    releaseA();
    const aDone = await a;

    expect(aDone.sequence).toBeLessThan(b.sequence);
    expect(aDone).toMatchObject({ written: 0, superseded: DEFAULT_SNAPSHOT_COPIES });
    const stored = await registry.snapshots.read(0);
    expect(stored.kind === 'found' && stored.snapshot.sequence).toBe(b.sequence);
    slow.client.destroy();
  });

  it('heals a sequence counter deleted on its own: the publication after a refused one lands', async () => {
    const { registry, clients, tableName } = await registryWithBrokers(2);
    for (let i = 0; i < 3; i++) await registry.snapshots.publish(new Date());
    await clients.documentClient.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: 'snapshot', sk: 'sequence' } }),
    );

    const refused = await registry.snapshots.publish(new Date());
    const healed = await registry.snapshots.publish(new Date());

    expect(refused).toMatchObject({ sequence: 1, written: 0, superseded: DEFAULT_SNAPSHOT_COPIES });
    expect(healed).toMatchObject({ sequence: 4, written: DEFAULT_SNAPSHOT_COPIES });
  });

  it('still publishes when it may not read the copies back to catch the counter up', async () => {
    const { registry, clients, tableName } = await registryWithBrokers(2);
    await registry.snapshots.publish(new Date());
    await registry.snapshots.publish(new Date());
    await clients.documentClient.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: 'snapshot', sk: 'sequence' } }),
    );
    // As the broker registration function's role: UpdateItem and Query, no GetItem.
    const noGetItem = createDynamoDbClients({ endpoint: inject('fleet').registry.endpoint });
    noGetItem.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') throw new Error('AccessDeniedException');
        return next(args);
      },
      { step: 'initialize', name: 'testDenyGetItem' },
    );
    const writer = new DynamoDbFleetSnapshots({ client: noGetItem.documentClient, tableName });

    const publication = await writer.publish(new Date());

    expect(publication).toMatchObject({
      sequence: 1,
      written: 0,
      superseded: DEFAULT_SNAPSHOT_COPIES,
    });
    noGetItem.client.destroy();
  });

  it('never goes backwards for a reader while two probers race', async () => {
    const { clients, tableName } = await registryWithBrokers(6);
    const proberA = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
    const proberB = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
    const reader = createSnapshotFleetReader({
      snapshots: proberA.snapshots,
      fallback: proberA,
    });
    let racing = true;
    const probeRounds = async (registry: DynamoDbHealthRegistry, jitterMs: number) => {
      const published: number[] = [];
      for (let round = 0; round < 12; round++) {
        // Two probers at once: their health writes collide on probeSeq and version, their
        // snapshot publications interleave (allocate, read, write) as the jitter falls.
        const summary = await runProbeRound({
          registry,
          probe: ok,
          refreshAfterMs: 0,
          jitterMs,
        });
        if (summary.snapshot?.state === 'published') published.push(summary.snapshot.sequence);
      }
      return published;
    };
    // The reader as publishers use it, and the copy itself read with no memory of earlier reads:
    // the first shows what publishers route on, the second that no write ever rolled the copy back.
    const read = async () => {
      const seen: number[] = [];
      const stored: number[] = [];
      while (racing) {
        const sequence = sequenceOf(await reader.listNodes());
        if (sequence !== undefined) seen.push(sequence);
        const copy = await proberB.snapshots.read(0);
        if (copy.kind === 'found') stored.push(copy.snapshot.sequence);
      }
      return { seen, stored };
    };

    const reading = read();
    const [a, b] = await Promise.all([probeRounds(proberA, 5), probeRounds(proberB, 7)]);
    racing = false;
    const { seen, stored } = await reading;
    const last = sequenceOf(await reader.listNodes());
    const final = await proberA.snapshots.read(0);

    expect(a.length + b.length).toBe(24);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(stored).toEqual([...stored].sort((x, y) => x - y));
    expect(last).toBe(Math.max(...a, ...b));
    expect(final.kind === 'found' && final.snapshot.sequence).toBe(Math.max(...a, ...b));
  });

  it('keeps serving the newer snapshot when its copy reads older (an eventually consistent read behind a write)', async () => {
    const { registry, clients, tableName } = await registryWithBrokers(3);
    await runProbeRound({ registry, probe: ok, refreshAfterMs: 0 });
    const older = await registry.snapshots.read(0);
    if (older.kind !== 'found') throw new Error('no snapshot');
    const olderItem = await rawCopy(clients, tableName);
    await registry.setAdminState('b1', 'draining', new Date());
    // Reads copy 0, the one rewritten below.
    const reader = createSnapshotFleetReader({
      snapshots: registry.snapshots,
      fallback: registry,
      random: () => 0,
    });
    const newer = await reader.listNodes();

    // The copy as a lagging replica would answer: the item of the earlier sequence.
    await clients.documentClient.send(new PutCommand({ TableName: tableName, Item: olderItem }));
    const after = await reader.listNodes();

    expect(sequenceOf(newer)).toBeGreaterThan(older.snapshot.sequence);
    expect(sequenceOf(after)).toBe(sequenceOf(newer));
    expect(after.nodes.find((node) => node.id === 'b1')?.admin.state).toBe('draining');
  });

  it('reads the broker items on a fresh table, where nothing has published a snapshot', async () => {
    const { registry, clients } = await registryWithBrokers(2);
    const commands = countCommands(clients);
    const reader = createSnapshotFleetReader({ snapshots: registry.snapshots, fallback: registry });

    const fleet = await reader.listNodes();

    expect(commands.take()).toEqual(['GetItemCommand', 'QueryCommand']);
    expect(fleet.nodes.map((node) => node.id)).toEqual(['b1', 'b2']);
    expect(fleet.nodes[0]?.labels).toEqual({ stack: 'WarrenBroker-b1' });
  });

  it('reads the broker items instead of a corrupt snapshot, and names the copy as rejected', async () => {
    const { registry, clients, tableName } = await registryWithBrokers(2);
    await runProbeRound({ registry, probe: ok, refreshAfterMs: 0 });
    const item = await rawCopy(clients, tableName);
    await clients.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...item, d: new Uint8Array([1, 2, 3, 4, 5]) },
      }),
    );
    const reader = createSnapshotFleetReader({
      snapshots: registry.snapshots,
      fallback: registry,
      random: () => 0,
    });

    const fleet = await reader.listNodes();

    expect(fleet.nodes.map((node) => node.id)).toEqual(['b1', 'b2']);
    expect(fleet.rejected).toEqual([
      { key: 'fleet snapshot copy 0', reason: expect.stringMatching(/not brotli/) },
    ]);
  });

  it("reaches the reader's next read with an operator's drain through the CLI", async () => {
    const { registry, tableName } = await registryWithBrokers(3);
    await runProbeRound({ registry, probe: ok, refreshAfterMs: 0 });
    const reader = createSnapshotFleetReader({ snapshots: registry.snapshots, fallback: registry });
    const before = await reader.listNodes();

    const code = await runNodes(
      ['drain', 'b2', '--table', tableName, '--endpoint', inject('fleet').registry.endpoint],
      { out: () => undefined, env: {} },
    );
    const after = await reader.listNodes();

    expect(code).toBe(0);
    expect(before.nodes.find((node) => node.id === 'b2')?.admin.state).toBe('active');
    expect(after.nodes.find((node) => node.id === 'b2')?.admin.state).toBe('draining');
    expect(sequenceOf(after)).toBeGreaterThan(sequenceOf(before) ?? Number.POSITIVE_INFINITY);
  });
});

/** Snapshot copy 0's item as stored. */
async function rawCopy(clients: DynamoDbClients, tableName: string) {
  const { Item } = await clients.documentClient.send(
    new GetCommand({ TableName: tableName, Key: { pk: 'snapshot#0', sk: 'fleet' } }),
  );
  if (!Item) throw new Error('no snapshot copy 0');
  return Item;
}
