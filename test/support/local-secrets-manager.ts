import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const LOCAL_REGION = 'eu-west-1';

/** A stored secret's versions, newest last. */
interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly versions: { id: string; secretString: string; created: number }[];
}

export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>`, for `endpoint` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpoint: string;
  /** Creates (or replaces) a secret; returns its ARN. */
  putSecret(name: string, secretString: string): string;
  /** GetSecretValue calls answered so far, failed ones included. */
  readonly reads: () => number;
  /** The next `count` GetSecretValue calls fail with an InternalServiceError. */
  failReads(count: number): void;
  /** A client of the real AWS SDK aimed at this server (static credentials, one attempt). */
  client(): SecretsManagerClient;
  close(): Promise<void>;
}

/**
 * A Secrets Manager on loopback speaking the service's JSON protocol
 * (`X-Amz-Target: secretsmanager.GetSecretValue` and `PutSecretValue`), so the
 * real SDK and Powertools' SecretsProvider read from it as from AWS. It keeps
 * secrets in memory, checks no signature and counts reads.
 *
 * @example const secrets = await startLocalSecretsManager();
 * const arn = secrets.putSecret('warren-amqp', '{"username":"rotator","password":"pw1"}');
 */
export async function startLocalSecretsManager(): Promise<LocalSecretsManager> {
  const secrets = new Map<string, StoredSecret>();
  let reads = 0;
  let failing = 0;
  const find = (id: unknown) =>
    typeof id === 'string'
      ? (secrets.get(id) ?? [...secrets.values()].find((secret) => secret.arn === id))
      : undefined;
  const put = (name: string, secretString: string) => {
    const secret = secrets.get(name) ?? {
      arn: `arn:aws:secretsmanager:${LOCAL_REGION}:123456789012:secret:${name}-${randomUUID().slice(0, 6)}`,
      name,
      versions: [],
    };
    const version = { id: randomUUID(), secretString, created: Date.now() / 1000 };
    secret.versions.push(version);
    secrets.set(name, secret);
    return { secret, version };
  };

  const actions: Record<string, (input: Record<string, unknown>) => [number, unknown]> = {
    GetSecretValue(input) {
      reads += 1;
      if (failing > 0) {
        failing -= 1;
        return [500, { __type: 'InternalServiceError', message: 'injected failure' }];
      }
      const secret = find(input.SecretId);
      const version = secret?.versions.at(-1);
      if (!secret || !version) return notFound();
      return [
        200,
        {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: version.secretString,
          VersionId: version.id,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: version.created,
        },
      ];
    },
    PutSecretValue(input) {
      const existing = find(input.SecretId);
      if (!existing || typeof input.SecretString !== 'string') return notFound();
      const { secret, version } = put(existing.name, input.SecretString);
      return [
        200,
        {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: version.id,
          VersionStages: ['AWSCURRENT'],
        },
      ];
    },
  };

  const server = createServer((request, response) => {
    void answer(request, response);
  });
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = actions[target.replace(/^secretsmanager\./, '')];
    const [status, body] = action
      ? action(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'))
      : [400, { __type: 'UnknownOperationException', message: `unknown target ${target}` }];
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: SecretsManagerClient[] = [];

  return {
    endpoint,
    putSecret: (name, secretString) => put(name, secretString).secret.arn,
    reads: () => reads,
    failReads(count) {
      failing = count;
    },
    client() {
      const client = new SecretsManagerClient({
        endpoint,
        region: LOCAL_REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(): [number, unknown] {
  return [
    400,
    {
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    },
  ];
}
