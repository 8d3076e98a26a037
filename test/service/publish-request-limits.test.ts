import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from '../../src/service/publish-limits.js';
import { parsePublishRequest } from '../../src/service/publish-request.js';
import { bodies, KIB, rejection, toTasks } from './publish-request-fixtures.js';

describe('parsePublishRequest', () => {
  it.each<[string, unknown, PublishLimits, string, RegExp]>([
    [
      '501 messages',
      toTasks(bodies(501)),
      DEFAULT_PUBLISH_LIMITS,
      'too_many_messages',
      /501 messages in one request; at most 500/,
    ],
    [
      'too many messages, even malformed ones',
      { messages: Array(501).fill(null) },
      DEFAULT_PUBLISH_LIMITS,
      'too_many_messages',
      /at most 500/,
    ],
    [
      'more messages than a configured limit',
      toTasks(bodies(3)),
      { ...DEFAULT_PUBLISH_LIMITS, maxMessages: 2 },
      'too_many_messages',
      /3 messages in one request; at most 2/,
    ],
    [
      'a body over 256 KiB',
      toTasks([{ body: 'x'.repeat(256 * KIB) }]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\] is 262146 bytes .* at most 262144/,
    ],
    [
      'a body over 256 KiB in UTF-8 though not in characters',
      toTasks([{ body: 'é'.repeat(132 * KIB) }]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\]/,
    ],
    [
      'headers that take a small body over the limit',
      toTasks([
        {
          body: 'x',
          headers: Object.fromEntries(
            Array.from({ length: 64 }, (_, i) => [`h${i}`, 'v'.repeat(4096)]),
          ),
        },
      ]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\]/,
    ],
    [
      'headers over what one AMQP frame carries, under the message limit',
      toTasks([
        {
          body: 'x',
          headers: Object.fromEntries(
            Array.from({ length: 40 }, (_, i) => [`h${i}`, 'v'.repeat(4096)]),
          ),
        },
      ]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /^messages\[0\]\.headers take 163950 bytes; at most 65536/,
    ],
    [
      'the third message over a configured limit',
      toTasks([{ body: 1 }, { body: 2 }, { body: 'x'.repeat(2 * KIB) }]),
      { ...DEFAULT_PUBLISH_LIMITS, maxMessageBytes: KIB },
      'message_too_large',
      /^messages\[2\] is 2050 bytes/,
    ],
  ])('refuses %s with 413', (_name, json, limits, code, message) => {
    const error = rejection(json, limits);

    expect([error.status, error.code]).toEqual([413, code]);
    expect(error.message).toMatch(message);
  });

  it('accepts exactly the message count limit, each message at exactly the size limit', () => {
    const limits = { ...DEFAULT_PUBLISH_LIMITS, maxMessages: 3, maxMessageBytes: KIB };
    // A string body costs its length plus two quotes; the header costs "h" plus "v".
    const message = (id: string) => ({ id, body: 'x'.repeat(KIB - 4), headers: { h: 'v' } });

    const request = parsePublishRequest(
      toTasks([message('a'), message('b'), message('c')]),
      limits,
    );

    expect(request.messages.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('accepts 500 messages and a 256 KiB message by default', () => {
    expect(parsePublishRequest(toTasks(bodies(500)), DEFAULT_PUBLISH_LIMITS).messages).toHaveLength(
      500,
    );
    expect(
      parsePublishRequest(toTasks([{ body: 'x'.repeat(256 * KIB - 2) }]), DEFAULT_PUBLISH_LIMITS)
        .messages,
    ).toHaveLength(1);
  });
});
