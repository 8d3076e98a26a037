import { once } from 'node:events';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAlarms,
  isLoopbackHost,
  managementEndpointProblem,
} from '../../src/prober/check-alarms.js';
import { issueTestCa, issueTestServerCertificate } from '../amqp/test-certificates.js';

// Stand-ins for the management API's edge cases (hangs, certificate faults) that a
// real broker will not produce on demand; test/amqp/tls.int.test.ts uses a real one.
const credentials = { username: 'monitor', password: 's3cret' };
const ca = issueTestCa();
const otherCa = issueTestCa('another CA');
const servers: Server[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"status":"ok"}' };
const seen: { path?: string; authorization?: string } = {};

const respond: RequestListener = (request, response) => {
  seen.path = request.url;
  seen.authorization = request.headers.authorization;
  response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
};

async function listen(server: Server, scheme: 'http' | 'https'): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const tlsServer = (certificate: { certPem: string; keyPem: string }) =>
  createHttpsServer({ cert: certificate.certPem, key: certificate.keyPem }, respond);

let plain: string;
let secure: string;
let wrongAddress: string;
let hanging: string;

beforeAll(async () => {
  plain = await listen(createHttpServer(respond), 'http');
  secure = await listen(tlsServer(issueTestServerCertificate(ca)), 'https');
  wrongAddress = await listen(tlsServer(issueTestServerCertificate(ca, ['10.0.1.5'])), 'https');
  hanging = await listen(
    createHttpServer(() => undefined),
    'http',
  );
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

describe('checkAlarms', () => {
  it('finds no alarm over plain http (the local fleet), asking with basic auth', async () => {
    answer = { status: 200, body: '{"status":"ok"}' };

    expect(await checkAlarms(plain, { credentials, timeoutMs: 1_000 })).toEqual({
      result: 'clear',
    });
    expect(seen).toEqual({
      path: '/api/health/checks/local-alarms',
      authorization: `Basic ${Buffer.from('monitor:s3cret').toString('base64')}`,
    });
  });

  it('sends no credentials over plain http to a host that is not loopback, and says why at once', async () => {
    const started = performance.now();

    // Unroutable: an attempt to connect would take the whole timeout.
    const check = await checkAlarms('http://10.255.255.1:15672', { credentials, timeoutMs: 1_000 });

    expect(check).toEqual({
      result: 'unavailable',
      reason: expect.stringMatching(
        /^management API: not asked, credentials withheld: http:\/\/10\.255\.255\.1:15672 must be https:\/\//,
      ),
    });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each([
    ['http://127.0.0.1:15672', true],
    ['http://127.8.9.10:15672', true],
    ['http://localhost:15672', true],
    ['http://[::1]:15672', true],
    ['https://10.0.1.5:15671', true],
    ['http://10.0.1.5:15672', false],
    ['http://mq.internal:15672', false],
    ['http://[::ffff:127.0.0.1]:15672', false],
    ['http://localhost.example.com:15672', false],
    ['ftp://127.0.0.1/', false],
  ])('takes %s as a management endpoint: %s', (input, usable) => {
    expect(managementEndpointProblem(new URL(input)) === undefined).toBe(usable);
  });

  it.each([
    ['127.0.0.1', true],
    ['localhost', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['10.127.0.1', false],
  ])('calls %s loopback: %s', (hostname, loopback) => {
    expect(isLoopbackHost(hostname)).toBe(loopback);
  });

  it('reports the alarms of a 503 as blocked at the management stage', async () => {
    answer = {
      status: 503,
      body: '{"status":"failed","reason":"resource alarm(s) in effect","alarms":[{"node":"rabbit@b1","resource":"memory"},{"node":"rabbit@b1","resource":"disk"}]}',
    };

    expect(await checkAlarms(plain, { credentials, timeoutMs: 1_000 })).toEqual({
      result: 'blocked',
      stage: 'management',
      reason: 'memory, disk alarm in effect',
    });
  });

  it('calls another status unavailable', async () => {
    answer = { status: 401, body: '{"error":"not_authorised"}' };

    expect(await checkAlarms(plain, { credentials, timeoutMs: 1_000 })).toEqual({
      result: 'unavailable',
      reason: 'management API answered 401',
    });
  });

  it('asks over https when it trusts the CA that issued the certificate', async () => {
    answer = { status: 200, body: '{"status":"ok"}' };

    expect(
      await checkAlarms(secure, { credentials, timeoutMs: 1_000, caCertPem: ca.certPem }),
    ).toEqual({ result: 'clear' });
  });

  it.each([
    [
      'no CA (public roots only)',
      undefined,
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/,
    ],
    ['another CA', otherCa.certPem, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/],
  ])(
    'calls the API unavailable when trusting %s, naming the certificate problem',
    async (_case, caCertPem, code) => {
      const check = await checkAlarms(secure, {
        credentials,
        timeoutMs: 1_000,
        ...(caCertPem !== undefined && { caCertPem }),
      });

      expect(check.result).toBe('unavailable');
      expect(check).toHaveProperty(
        'reason',
        expect.stringMatching(/^management API: TLS certificate rejected: /),
      );
      expect(check).toHaveProperty('reason', expect.stringMatching(code));
    },
  );

  it('refuses a certificate issued by the trusted CA for another address', async () => {
    const check = await checkAlarms(wrongAddress, {
      credentials,
      timeoutMs: 1_000,
      caCertPem: ca.certPem,
    });

    expect(check).toEqual({
      result: 'unavailable',
      reason: expect.stringContaining('(ERR_TLS_CERT_ALTNAME_INVALID)'),
    });
  });

  it('gives up on an API that accepts the request and never answers, within the timeout', async () => {
    const started = performance.now();

    const check = await checkAlarms(hanging, { credentials, timeoutMs: 300 });

    expect(check).toEqual({
      result: 'unavailable',
      reason: 'management API: no answer within 300 ms',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('calls a closed port unavailable', async () => {
    const closed = createHttpServer();
    const url = await listen(closed, 'http');
    closed.close();
    await once(closed, 'close');

    const check = await checkAlarms(url, { credentials, timeoutMs: 1_000 });

    expect(check).toEqual({
      result: 'unavailable',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
