import type {
  Destination,
  MessageResult,
  Publisher,
  PublishMessage,
  PublishOptions,
} from '../../src/publish/publisher.js';

export interface PublishCall {
  readonly destination: Destination;
  readonly messages: readonly PublishMessage[];
  readonly options: PublishOptions | undefined;
}

/** The id the recording publisher gives the message at `index` when it has none. */
export const generatedId = (index: number) => `generated-${index}`;

/**
 * A Publisher that records its calls and answers from `outcome` (default: every
 * message accepted by b1), for the HTTP edge's tests; no broker involved.
 */
export function recordingPublisher(
  outcome: (message: PublishMessage, index: number) => MessageResult = (message, index) => ({
    id: message.id ?? generatedId(index),
    status: 'accepted',
    node: 'b1',
    nodes: ['b1'],
  }),
): Publisher & { readonly calls: PublishCall[] } {
  const calls: PublishCall[] = [];
  return {
    calls,
    publish: async (destination, messages, options) => {
      calls.push({ destination, messages, options });
      return messages.map(outcome);
    },
  };
}
