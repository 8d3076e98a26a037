import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsBroker, type TlsBroker } from '../../bench/support/tls-broker.js';
import { AmqpConnectError, connectAmqp } from '../../src/amqp/connect-amqp.js';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import { createConsumer } from '../../src/consume/create-consumer.js';
import { withCredentials } from '../../src/core/amqp-endpoint.js';
import { checkAlarms } from '../../src/prober/check-alarms.js';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../src/prober/probe-broker.js';
import { createAmqpBrokerPool } from '../../src/publish/amqp-broker-pool.js';
import type { OutgoingMessage } from '../../src/publish/broker-pool.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { brokerNode } from '../support/broker-node.js';
import { eventually } from '../support/eventually.js';
import { issueTestCa } from './test-certificates.js';

// One real RabbitMQ node configured as an EC2 broker is: AMQPS and management
// HTTPS only, with a certificate from a CA of its own.
let broker: TlsBroker;
beforeAll(async () => {
  broker = await startTlsBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

const credentials = () => ({ username: broker.username, password: broker.password });
const target = () => ({
  id: 'b1',
  endpoint: broker.amqpsUrl,
  managementEndpoint: broker.managementUrl,
});
const probeOptions = (caCertPem?: string) => ({
  ...DEFAULT_PROBE_OPTIONS,
  credentials: credentials(),
  // Generous: this checks the TLS plumbing, not the latency threshold.
  degradedLatencyMs: 5_000,
  ...(caCertPem !== undefined && { caCertPem }),
});
const UNTRUSTED = /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/;

function outgoing(): OutgoingMessage {
  return {
    id: randomUUID(),
    content: Buffer.from(JSON.stringify({ over: 'amqps' })),
    headers: { via: 'tls' },
    timestampSeconds: Math.floor(Date.now() / 1000),
  };
}

describe('connectAmqp over amqps', () => {
  it('opens a connection to a broker whose certificate chains to the given CA', async () => {
    const url = withCredentials(broker.amqpsUrl, broker.username, broker.password);

    const connection = await connectAmqp(url, { timeoutMs: 5_000, caCertPem: broker.caCertPem });

    await connection.close();
  });

  it('refuses a certificate from another CA with an error naming the certificate problem', async () => {
    const url = withCredentials(broker.amqpsUrl, broker.username, broker.password);

    const error = await connectAmqp(url, {
      timeoutMs: 5_000,
      caCertPem: issueTestCa('an unrelated CA').certPem,
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(AmqpConnectError);
    expect((error as AmqpConnectError).certificateProblem).toMatch(UNTRUSTED);
    expect((error as Error).message).toMatch(
      /TLS certificate rejected: .+ \(trusting the given CA\)/,
    );
    expect((error as Error).message).not.toContain(broker.password);
  });
});

describe('probeBroker over amqps and management https', () => {
  it('finds the broker healthy when it trusts the CA: confirmed publish, alarms checked', async () => {
    const outcome = await probeBroker(target(), probeOptions(broker.caCertPem));

    expect(outcome).toEqual({ result: 'ok', latencyMs: expect.any(Number) });
    expect(
      await checkAlarms(broker.managementUrl, {
        credentials: credentials(),
        timeoutMs: 2_000,
        caCertPem: broker.caCertPem,
      }),
    ).toEqual({ result: 'clear' });
  });

  it('reaches the management API over https: a user it refuses makes the broker degraded', async () => {
    // Without the monitoring tag the API answers 401, which takes a completed TLS handshake.
    await broker.rabbitmqctl(['set_user_tags', broker.username]);
    try {
      const outcome = await probeBroker(target(), probeOptions(broker.caCertPem));

      expect(outcome).toEqual({
        result: 'degraded',
        latencyMs: expect.any(Number),
        reason: 'management API answered 401',
      });
    } finally {
      await broker.rabbitmqctl(['set_user_tags', broker.username, 'monitoring']);
    }
  });

  it.each([
    ['no CA (public roots only)', undefined],
    ['an unrelated CA', issueTestCa('an unrelated CA').certPem],
  ])(
    'fails hard at the AMQP stage when it trusts %s, naming the certificate problem',
    async (_case, caCertPem) => {
      const outcome = await probeBroker(target(), probeOptions(caCertPem));

      expect(outcome).toEqual({
        result: 'failed',
        stage: 'amqp',
        severity: 'hard',
        reason: expect.stringMatching(/^TLS certificate rejected: /),
      });
      expect(outcome).toHaveProperty('reason', expect.stringMatching(UNTRUSTED));
    },
  );

  it('calls the management API unavailable, naming the certificate problem, without the CA', async () => {
    const check = await checkAlarms(broker.managementUrl, {
      credentials: credentials(),
      timeoutMs: 2_000,
    });

    expect(check).toEqual({
      result: 'unavailable',
      reason: expect.stringMatching(/^management API: TLS certificate rejected: /),
    });
  });
});

describe('publishing and consuming over amqps', () => {
  it('publishes with a confirm through the pool, and a consumer receives the message', async () => {
    const pool = createAmqpBrokerPool({
      credentialsFor: async () => credentials(),
      caCertPem: broker.caCertPem,
      connectTimeoutMs: 5_000,
    });
    const message = outgoing();
    try {
      const outcomes = await pool.publish(
        { id: 'b1', endpoint: broker.amqpsUrl },
        { kind: 'queue', queue: 'tasks' },
        [message],
        5_000,
      );
      expect(outcomes).toEqual([{ ok: true }]);
    } finally {
      await pool.close();
    }

    const received: ConsumedMessage[] = [];
    const consumer = createConsumer({
      registry: {
        listNodes: async () => ({
          nodes: [brokerNode('b1', { endpoint: broker.amqpsUrl })],
          rejected: [],
        }),
      },
      queue: 'tasks',
      topology: defaultTopology,
      credentialsFor: async () => credentials(),
      caCertPem: broker.caCertPem,
      handler: async (consumed) => {
        received.push(consumed);
      },
    });
    try {
      await eventually(async () => {
        expect(received.map((consumed) => consumed.id)).toContain(message.id);
      });
    } finally {
      await consumer.stop();
    }
    expect(received.find((consumed) => consumed.id === message.id)).toMatchObject({
      node: 'b1',
      body: { over: 'amqps' },
    });
  });

  it('reports a publish to a broker it cannot verify as failed, naming the certificate', async () => {
    const pool = createAmqpBrokerPool({
      credentialsFor: async () => credentials(),
      connectTimeoutMs: 5_000,
    });
    try {
      const outcomes = await pool.publish(
        { id: 'b1', endpoint: broker.amqpsUrl },
        { kind: 'queue', queue: 'tasks' },
        [outgoing()],
        5_000,
      );

      expect(outcomes).toEqual([
        {
          ok: false,
          failure: {
            kind: 'connect',
            cause: 'certificate',
            certificateProblem: expect.stringMatching(UNTRUSTED),
            detail: expect.stringMatching(/TLS certificate rejected: /),
          },
        },
      ]);
    } finally {
      await pool.close();
    }
  });
});
