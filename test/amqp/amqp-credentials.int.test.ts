import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  AmqpCredentialsError,
  createAmqpCredentialsSource,
} from '../../src/amqp/amqp-credentials.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';

const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp';

describe('createAmqpCredentialsSource against an unreachable Secrets Manager', () => {
  it('reports an unreadable secret by its ARN, and tries again on the next call', async () => {
    const [port] = await findFreePorts(1);
    const secretsManager = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const source = createAmqpCredentialsSource(
      { source: 'secret', secretArn: arn },
      { secretsManager },
    );

    await expect(source.get()).rejects.toThrow(`AMQP credentials secret ${arn}: could not be read`);
    await expect(source.get()).rejects.toBeInstanceOf(AmqpCredentialsError);
    secretsManager.destroy();
  });
});
