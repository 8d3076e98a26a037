import { randomFillSync } from 'node:crypto';
import { REPLICAS_HEADER } from '../core/replicas.js';
import { uuidV7 } from '../core/uuid-v7.js';
import type { OutgoingMessage } from './broker-pool.js';
import type { PublishMessage } from './publisher.js';

// Random bytes for generated ids, drawn from one buffer refilled when used up: one
// `randomBytes(10)` call per message costs more than the rest of the id.
const entropy = Buffer.alloc(2_560);
let entropyOffset = entropy.length;

function randomTenBytes(): Uint8Array {
  if (entropyOffset + 10 > entropy.length) {
    randomFillSync(entropy);
    entropyOffset = 0;
  }
  entropyOffset += 10;
  return entropy.subarray(entropyOffset - 10, entropyOffset);
}

/**
 * The message as every copy carries it: one id, and with more than one copy
 * the replicas header.
 *
 * @example outgoing({ body: { job: 42 } }, Date.now(), 2).headers // { 'x-warren-replicas': '2' }
 */
export function outgoing(
  message: PublishMessage,
  nowMs: number,
  replicas: number,
): OutgoingMessage {
  const headers = message.headers ?? {};
  return {
    id: message.id ?? uuidV7(nowMs, randomTenBytes()),
    content: message.bodyBytes ?? Buffer.from(JSON.stringify(message.body)),
    headers: replicas > 1 ? { ...headers, [REPLICAS_HEADER]: String(replicas) } : headers,
    timestampSeconds: Math.floor(nowMs / 1000),
  };
}
