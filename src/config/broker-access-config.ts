import * as z from 'zod';
import type { AmqpCredentialsConfig } from '../amqp/amqp-credentials.js';
import { CaCertificateError, parseCaCertificate } from '../amqp/ca-certificate.js';
import { blankAsUnset, configError, ENV } from './env.js';

/** How the functions reach the brokers: credentials, and the CA their TLS certificates chain to. */
export interface BrokerAccessConfig {
  readonly amqpCredentials: AmqpCredentialsConfig;
  /**
   * `WARREN_AMQP_CA_CERT`: the PEM CA certificate(s) trusted, instead of Node's
   * public roots, for amqps:// brokers and their https:// management API.
   * Unset: plain amqp:// and http:// (the local fleet), or public roots.
   */
  readonly amqpCaCertPem?: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/** How long a read AMQP secret is used before it is read again, unless a broker refuses it first. */
export const DEFAULT_AMQP_SECRET_MAX_AGE_MS = 300_000;

// Whole seconds: Powertools Parameters keeps a value for a number of seconds. At most an
// hour: it bounds how long a container goes on using a secret replaced in Secrets Manager
// while no broker has refused it yet (e.g. a password changed only in the secret).
const secretMaxAgeSchema = blankAsUnset(
  z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .multipleOf(1_000, 'must be whole seconds, in milliseconds')
    .min(1_000)
    .max(3_600_000)
    .default(DEFAULT_AMQP_SECRET_MAX_AGE_MS),
);
/**
 * The AMQP credentials configuration alone, for tools that only talk to brokers.
 *
 * @example readAmqpCredentialsConfig({ WARREN_AMQP_USERNAME: 'app', WARREN_AMQP_PASSWORD: 's3cret' }) // { source: 'env', … }
 */
export function readAmqpCredentialsConfig(env: NodeJS.ProcessEnv): AmqpCredentialsConfig {
  const credentials = readAmqpCredentials(env);
  if (typeof credentials === 'string') throw configError([credentials]);
  return credentials;
}

/**
 * `WARREN_AMQP_CA_CERT` alone, validated, for tools that only talk to brokers:
 * the PEM bundle, or undefined when unset or blank.
 *
 * @example const caCertPem = readAmqpCaCertConfig(process.env); // '-----BEGIN CERTIFICATE-----…' or undefined
 */
export function readAmqpCaCertConfig(env: NodeJS.ProcessEnv): string | undefined {
  const caCert = readAmqpCaCert(env);
  if (caCert instanceof CaCertificateError) throw configError([caCert.message]);
  return caCert;
}

/** Credentials and trusted CA together, or every problem with them (naming variables, never values). */
export function readBrokerAccess(env: NodeJS.ProcessEnv): BrokerAccessConfig | string[] {
  const credentials = readAmqpCredentials(env);
  const caCert = readAmqpCaCert(env);
  if (typeof credentials === 'string' || caCert instanceof CaCertificateError) {
    return [
      ...(typeof credentials === 'string' ? [credentials] : []),
      ...(caCert instanceof CaCertificateError ? [caCert.message] : []),
    ];
  }
  return { amqpCredentials: credentials, ...(caCert !== undefined && { amqpCaCertPem: caCert }) };
}

// The variable's name stands in for its text in every message: a PEM is long and says nothing.
function readAmqpCaCert(env: NodeJS.ProcessEnv): string | undefined | CaCertificateError {
  const pem = env[ENV.amqpCaCert];
  if (pem === undefined || pem.trim() === '') return undefined;
  try {
    return parseCaCertificate(pem, ENV.amqpCaCert);
  } catch (error) {
    if (error instanceof CaCertificateError) return error;
    throw error;
  }
}

/** The credentials configuration, or the problem with it (naming variables, never values). */
function readAmqpCredentials(env: NodeJS.ProcessEnv): AmqpCredentialsConfig | string {
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const secretArn = set(ENV.amqpSecretArn);
  const username = set(ENV.amqpUsername);
  const password = set(ENV.amqpPassword);
  if (secretArn !== undefined) {
    if (username !== undefined || password !== undefined)
      return `${ENV.amqpSecretArn}: set either it or ${ENV.amqpUsername} and ${ENV.amqpPassword}, not both`;
    const maxAge = secretMaxAgeSchema.safeParse(env[ENV.amqpSecretMaxAgeMs]);
    const problems = [
      ...(SECRET_ARN.test(secretArn)
        ? []
        : [`${ENV.amqpSecretArn}: must be a Secrets Manager secret ARN`]),
      ...(maxAge.success
        ? []
        : maxAge.error.issues.map((issue) => `${ENV.amqpSecretMaxAgeMs}: ${issue.message}`)),
    ];
    if (!maxAge.success || problems.length > 0) return problems.join('; ');
    return { source: 'secret', secretArn, maxAgeMs: maxAge.data };
  }
  if (username !== undefined && password !== undefined)
    return { source: 'env', username, password };
  if (username !== undefined) return `${ENV.amqpPassword}: required with ${ENV.amqpUsername}`;
  if (password !== undefined) return `${ENV.amqpUsername}: required with ${ENV.amqpPassword}`;
  return `${ENV.amqpSecretArn} or ${ENV.amqpUsername} and ${ENV.amqpPassword}: the brokers' AMQP credentials are not configured`;
}
