import { afterEach, describe, expect, it, vi } from 'vitest';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { customResourceEvent } from '../custom-resource/custom-resource-events.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-AbCdEf';

describe('functions/fleet-ca handler', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails with the secret and the SDK error when Secrets Manager cannot be reached', async () => {
    const [closedPort] = await findFreePorts(1);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${closedPort}`);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const { handler } = await import('../../functions/fleet-ca.js');

    // The Provider framework reports the thrown error's message to CloudFormation as FAILED.
    const error = await handler(
      customResourceEvent(
        { RequestType: 'Create', ResourceProperties: { SecretArn: SECRET_ARN } },
        'Custom::WarrenFleetCa',
      ),
    ).catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ name: 'FleetCaStoreError' });
    expect((error as Error).message).toMatch(
      new RegExp(`^fleet CA secret ${SECRET_ARN}: could not be read \\(.*ECONNREFUSED`),
    );
  });
});
