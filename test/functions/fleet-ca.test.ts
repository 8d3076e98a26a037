import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import {
  customResourceRequest,
  type ResponseServer,
  startResponseServer,
} from '../custom-resource/response-server.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-AbCdEf';

describe('functions/fleet-ca handler', () => {
  let server: ResponseServer;

  beforeEach(async () => {
    server = await startResponseServer();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.resetModules();
    await server.close();
  });

  it('answers FAILED with the secret and the SDK error when Secrets Manager cannot be reached', async () => {
    const [closedPort] = await findFreePorts(1);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${closedPort}`);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { handler } = await import('../../functions/fleet-ca.js');

    await handler(
      customResourceRequest(
        server.url(),
        { RequestType: 'Create', ResourceProperties: { SecretArn: SECRET_ARN } },
        'Custom::WarrenFleetCa',
      ),
    );

    const { body } = server.only();
    expect(body).toMatchObject({ Status: 'FAILED' });
    expect(body.Reason).toMatch(
      new RegExp(
        `^FleetCaStoreError: fleet CA secret ${SECRET_ARN}: could not be read \\(.*ECONNREFUSED`,
      ),
    );
    expect(body.Reason).not.toMatch(/\n\s+at /);
  });
});
