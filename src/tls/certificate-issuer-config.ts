import { ConfigError } from '../config.js';

/**
 * Environment variables the certificate issuer function reads; the registry
 * stack sets them by these names, never by literal.
 */
export const CERTIFICATE_ISSUER_ENV = {
  caSecretArn: 'WARREN_CA_SECRET_ARN',
} as const;

export interface CertificateIssuerConfig {
  /** The secret holding the fleet CA as `{"certificatePem","privateKeyPem"}`. */
  readonly caSecretArn: string;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * Reads the certificate issuer's configuration from `env`.
 *
 * @example const { caSecretArn } = readCertificateIssuerConfig(process.env);
 */
export function readCertificateIssuerConfig(env: NodeJS.ProcessEnv): CertificateIssuerConfig {
  const caSecretArn = env[CERTIFICATE_ISSUER_ENV.caSecretArn];
  if (!caSecretArn || !SECRET_ARN.test(caSecretArn)) {
    throw new ConfigError(
      `${CERTIFICATE_ISSUER_ENV.caSecretArn} must be the ARN of the fleet CA secret`,
    );
  }
  return { caSecretArn };
}
