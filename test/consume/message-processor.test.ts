import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import type { ConsumerEvent } from '../../src/consume/consumer-event.js';
import {
  createMemoryDedupeStore,
  type DedupeStore,
  DedupeStoreUnavailableError,
} from '../../src/consume/dedupe-store.js';
import { createMessageProcessor } from '../../src/consume/message-processor.js';

const message = (overrides: Partial<ConsumedMessage> = {}): ConsumedMessage => ({
  id: 'm-1',
  hasMessageId: true,
  replicas: 1,
  node: 'b1',
  body: {},
  headers: {},
  redeliveries: 0,
  redelivered: false,
  ...overrides,
});

/** A processor whose handler records what it was given, and the events it emitted. */
function setup(options: { dedupe?: DedupeStore; fail?: boolean } = {}) {
  const handled: string[] = [];
  const events: ConsumerEvent[] = [];
  const processor = createMessageProcessor({
    queue: 'tasks',
    handler: async (m) => {
      handled.push(`${m.node}:${m.id}`);
      if (options.fail) throw new Error('handler failed');
    },
    ...(options.dedupe && { dedupe: { store: options.dedupe } }),
    emit: (event) => events.push(event),
  });
  return { processor, handled, events };
}

/** A store whose every call fails as DynamoDB does when it cannot be reached, or throttles past the SDK's retries. */
const unreachable = (): DedupeStore => {
  const fail = async (): Promise<never> => {
    throw new DedupeStoreUnavailableError(
      'claim message m-1: ProvisionedThroughputExceededException',
    );
  };
  return { claim: fail, complete: fail, release: fail };
};

/** The memory store, with `complete` failing as an unreachable store's does. */
const failingComplete = (): DedupeStore => {
  const store = createMemoryDedupeStore();
  return {
    ...store,
    complete: async () => {
      throw new DedupeStoreUnavailableError('complete message m-1: connect ECONNREFUSED');
    },
  };
};

describe('createMessageProcessor', () => {
  it('processes each copy of a replicated message once with a dedupe store, and acks the others', async () => {
    const { processor, handled, events } = setup({ dedupe: createMemoryDedupeStore() });

    expect(await processor.handle(message({ node: 'b1', replicas: 2 }))).toBe('ack');
    expect(await processor.handle(message({ node: 'b2', replicas: 2 }))).toBe('ack');

    expect(handled).toEqual(['b1:m-1']);
    expect(events).toEqual([]);
    expect(processor.stats()).toEqual({
      duplicatesSkipped: 1,
      replicatedWithoutDedupe: 0,
      dedupeFailures: 0,
    });
  });

  it('without a dedupe store, processes every copy and reports each one', async () => {
    const { processor, handled, events } = setup();

    await processor.handle(message({ node: 'b1', replicas: 2 }));
    await processor.handle(message({ node: 'b2', replicas: 2 }));

    expect(handled).toEqual(['b1:m-1', 'b2:m-1']);
    expect(events).toEqual([
      {
        type: 'replicated-without-dedupe',
        node: 'b1',
        messageId: 'm-1',
        replicas: 2,
        because: 'no-dedupe-store',
      },
      {
        type: 'replicated-without-dedupe',
        node: 'b2',
        messageId: 'm-1',
        replicas: 2,
        because: 'no-dedupe-store',
      },
    ]);
    expect(processor.stats().replicatedWithoutDedupe).toBe(2);
  });

  it('reports nothing for a message with one copy (no header, or a header that is not a count)', async () => {
    const { processor, handled, events } = setup();

    await processor.handle(message({ id: 'a' }));
    await processor.handle(message({ id: 'b', headers: { 'x-warren-replicas': 'abc' } }));

    expect(handled).toEqual(['b1:a', 'b1:b']);
    expect(events).toEqual([]);
    expect(processor.stats().replicatedWithoutDedupe).toBe(0);
  });

  it('processes a replicated message without a messageId even with a store, and says it cannot de-duplicate it', async () => {
    const { processor, handled, events } = setup({ dedupe: createMemoryDedupeStore() });

    await processor.handle(message({ id: 'b1:7', hasMessageId: false, replicas: 3 }));
    await processor.handle(message({ id: 'b2:7', hasMessageId: false, node: 'b2', replicas: 3 }));

    expect(handled).toEqual(['b1:b1:7', 'b2:b2:7']);
    expect(events).toEqual([
      { type: 'replicated-without-dedupe', node: 'b1', replicas: 3, because: 'no-message-id' },
      { type: 'replicated-without-dedupe', node: 'b2', replicas: 3, because: 'no-message-id' },
    ]);
  });

  it('puts a message back unprocessed when the store cannot be reached for its claim, never failing it', async () => {
    const { processor, handled, events } = setup({ dedupe: unreachable() });

    expect(await processor.handle(message({ replicas: 2 }))).toBe('requeue');

    expect(handled).toEqual([]);
    expect(events).toEqual([
      {
        type: 'dedupe-failed',
        node: 'b1',
        messageId: 'm-1',
        stage: 'claim',
        reason: 'claim message m-1: ProvisionedThroughputExceededException',
      },
    ]);
    expect(processor.stats().dedupeFailures).toBe(1);
  });

  it('acks a processed message whose record could not be marked done, and says so', async () => {
    const { processor, handled, events } = setup({ dedupe: failingComplete() });

    expect(await processor.handle(message())).toBe('ack');

    expect(handled).toEqual(['b1:m-1']);
    expect(events).toMatchObject([{ type: 'dedupe-failed', stage: 'complete', messageId: 'm-1' }]);
  });

  it('rethrows a handler failure after releasing the claim, so a redelivery is processed', async () => {
    const store = createMemoryDedupeStore();
    const failing = setup({ dedupe: store, fail: true });
    await expect(failing.processor.handle(message())).rejects.toThrow('handler failed');

    const retried = setup({ dedupe: store });
    expect(await retried.processor.handle(message())).toBe('ack');
    expect(retried.handled).toEqual(['b1:m-1']);
  });

  it.each([
    ['leaseMs', { leaseMs: 0 }],
    ['retainMs', { retainMs: -1 }],
    ['leaseMs', { leaseMs: Number.NaN }],
  ])('refuses a dedupe %s that is not a positive number of ms, at once', (_, window) => {
    expect(() =>
      createMessageProcessor({
        queue: 'tasks',
        handler: async () => undefined,
        dedupe: { store: createMemoryDedupeStore(), ...window },
        emit: () => undefined,
      }),
    ).toThrow(RangeError);
  });
});
