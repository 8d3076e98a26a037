import { setTimeout as sleep } from 'node:timers/promises';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AmqpCredentialsSource,
  createAmqpCredentialsSource,
} from '../../src/amqp/amqp-credentials.js';
import { AmqpCredentialsError } from '../../src/amqp/amqp-secret.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import {
  type LocalSecretsManager,
  startLocalSecretsManager,
} from '../support/local-secrets-manager.js';

const pw1 = { username: 'rotator', password: 'pw1-d9a41c' };
const pw2 = { username: 'rotator', password: 'pw2-7be0f3' };

/** Every message in an error's cause chain, and its JSON: where a leaked secret would show. */
function everythingSaidBy(error: unknown): string {
  const said: string[] = [];
  for (let at = error; at instanceof Error; at = at.cause) said.push(String(at), at.stack ?? '');
  return said.join('\n');
}

describe('createAmqpCredentialsSource over Secrets Manager (local server, real SDK, Powertools)', () => {
  let secrets: LocalSecretsManager;
  let arn: string;
  let client: SecretsManagerClient;
  const source = (maxAgeMs = 300_000): AmqpCredentialsSource =>
    createAmqpCredentialsSource(
      { source: 'secret', secretArn: arn, maxAgeMs },
      { secretsManager: client },
    );
  const rotateTo = (credentials: typeof pw2) =>
    client.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(credentials) }),
    );

  beforeEach(async () => {
    secrets = await startLocalSecretsManager();
    arn = secrets.putSecret('warren-amqp', JSON.stringify(pw1));
    client = secrets.client();
  });
  afterEach(() => secrets.close());

  it('reads the secret once for many gets within its max age', async () => {
    const credentials = source();

    const got = await Promise.all(Array.from({ length: 20 }, () => credentials.get()));
    for (let i = 0; i < 20; i++) got.push(await credentials.get());

    expect(got.every((pair) => pair.username === 'rotator' && pair.password === pw1.password)).toBe(
      true,
    );
    expect(secrets.reads()).toBe(1);
  });

  it('reads the secret again once its max age has passed, and then uses the new value', async () => {
    const credentials = source(1_000);
    expect(await credentials.get()).toEqual(pw1);
    await rotateTo(pw2);

    expect(await credentials.get()).toEqual(pw1);
    await sleep(1_100);
    expect(await credentials.get()).toEqual(pw2);
    expect(await credentials.get()).toEqual(pw2);

    expect(secrets.reads()).toBe(2);
  });

  it('shares one read among concurrent refreshes of the same refused credentials', async () => {
    const credentials = source();
    const refused = await credentials.get();
    await rotateTo(pw2);

    const refreshed = await Promise.all(
      Array.from({ length: 10 }, () => credentials.refresh(refused)),
    );

    expect(refreshed).toEqual(Array.from({ length: 10 }, () => pw2));
    expect(secrets.reads()).toBe(2); // the first get, then one read shared by all ten
    expect(await credentials.get()).toEqual(pw2);
    expect(secrets.reads()).toBe(2);
  });

  it('answers a refresh of credentials older than the ones it holds without reading', async () => {
    const credentials = source();
    const old = await credentials.get();
    await rotateTo(pw2);
    await credentials.refresh(old);
    const readsBefore = secrets.reads();

    // Connects that started before the refresh come back refused with the old pair.
    const late = await Promise.all(Array.from({ length: 5 }, () => credentials.refresh(old)));

    expect(late).toEqual(Array.from({ length: 5 }, () => pw2));
    expect(secrets.reads() - readsBefore).toBe(0);
  });

  it('answers a refresh with the same pair when the secret has not changed', async () => {
    const credentials = source();
    const refused = await credentials.get();

    expect(await credentials.refresh(refused)).toEqual(pw1);
    expect(secrets.reads()).toBe(2);
  });

  it('shares a refresh already in flight with gets', async () => {
    const credentials = source();
    const refused = await credentials.get();
    await rotateTo(pw2);

    const [refreshed, got] = await Promise.all([credentials.refresh(refused), credentials.get()]);

    expect(refreshed).toEqual(pw2);
    expect(got).toEqual(pw2);
    expect(secrets.reads()).toBe(2);
  });

  it('does not keep a failed read: the next get reads again', async () => {
    const credentials = source();
    secrets.failReads(1);

    const failure = await credentials.get().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AmqpCredentialsError);
    expect(String(failure)).toContain(`AMQP credentials secret ${arn}: could not be read`);
    expect(await credentials.get()).toEqual(pw1);
    expect(secrets.reads()).toBe(2);
  });

  it('keeps the credentials it holds when a forced read fails, and reads again on the next refresh', async () => {
    const credentials = source();
    const refused = await credentials.get();
    await rotateTo(pw2);
    secrets.failReads(1);

    await expect(credentials.refresh(refused)).rejects.toBeInstanceOf(AmqpCredentialsError);
    expect(await credentials.get()).toEqual(pw1);
    expect(await credentials.refresh(refused)).toEqual(pw2);
    expect(secrets.reads()).toBe(3);
  });

  it.each([
    ['not JSON', `{"username":"rotator","password":"${pw2.password}"`, /is not JSON/],
    ['a misspelt field', `{"user":"rotator","password":"${pw2.password}"}`, /username/],
    ['an empty password', '{"username":"rotator","password":""}', /password/],
  ])(
    'reports a secret that is %s by its fields, never its value, and reads it again next time',
    async (_case, bad, message) => {
      const credentials = source();
      await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: bad }));

      const failure = await credentials.get().catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(AmqpCredentialsError);
      expect(String(failure)).toMatch(message);
      expect(everythingSaidBy(failure)).not.toContain(pw2.password);
      expect(JSON.stringify(failure)).not.toContain(pw2.password);
      await rotateTo(pw2);
      expect(await credentials.get()).toEqual(pw2);
      expect(secrets.reads()).toBe(2);
    },
  );

  it('reports a missing secret by its ARN', async () => {
    const credentials = createAmqpCredentialsSource(
      { source: 'secret', secretArn: `${arn}-gone`, maxAgeMs: 300_000 },
      { secretsManager: client },
    );

    await expect(credentials.get()).rejects.toThrow(
      /could not be read \(ResourceNotFoundException/,
    );
  });
});

describe('createAmqpCredentialsSource against an unreachable Secrets Manager', () => {
  it('reports an unreadable secret by its ARN, and tries again on the next call', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp';
    const [port] = await findFreePorts(1);
    const secretsManager = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const source = createAmqpCredentialsSource(
      { source: 'secret', secretArn: arn, maxAgeMs: 300_000 },
      { secretsManager },
    );

    await expect(source.get()).rejects.toThrow(`AMQP credentials secret ${arn}: could not be read`);
    await expect(source.get()).rejects.toBeInstanceOf(AmqpCredentialsError);
    await expect(source.refresh({ username: 'u', password: 'p' })).rejects.toBeInstanceOf(
      AmqpCredentialsError,
    );
    secretsManager.destroy();
  });
});
