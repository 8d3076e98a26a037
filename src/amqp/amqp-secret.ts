import * as z from 'zod';
import type { AmqpCredentials } from './amqp-credentials.js';

/** The credentials could not be had; the message names the secret and what is wrong, never its value. */
export class AmqpCredentialsError extends Error {
  readonly secretArn: string;
  constructor(secretArn: string, message: string, options?: ErrorOptions) {
    super(`AMQP credentials secret ${secretArn}: ${message}`, options);
    this.name = 'AmqpCredentialsError';
    this.secretArn = secretArn;
  }
}

const secretShape = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * Validates a secret's SecretString as `{"username": "...", "password": "..."}`.
 * Errors name the missing or invalid fields only: JSON.parse's own message
 * quotes the input, so it is never passed on, not even as `cause`.
 *
 * @example parseAmqpSecret(arn, '{"username":"warren","password":"s3cret"}').username // 'warren'
 */
export function parseAmqpSecret(secretArn: string, secretString: string): AmqpCredentials {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new AmqpCredentialsError(secretArn, 'is not JSON (expected {"username","password"})');
  }
  const result = secretShape.safeParse(json);
  if (!result.success) {
    const fields = [
      ...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)')),
    ];
    throw new AmqpCredentialsError(
      secretArn,
      `must be JSON {"username","password"} with non-empty strings; missing or invalid: ${fields.join(', ')}`,
    );
  }
  return { username: result.data.username, password: result.data.password };
}
