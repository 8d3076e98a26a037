import * as z from 'zod';
import { readFleetCa } from '../tls/fleet-ca.js';
import type { FleetCaStore } from '../tls/fleet-ca-store.js';
import {
  DEFAULT_FLEET_CA_COMMON_NAME,
  DEFAULT_FLEET_CA_VALIDITY_DAYS,
} from '../tls/generate-fleet-ca.js';
import { provideFleetCa } from '../tls/provide-fleet-ca.js';
import {
  logOutcome,
  type OnEventHandler,
  type OnEventResult,
  parseResourceProperties,
  unknownRequest,
} from './custom-resource-event.js';

// CloudFormation passes every scalar property as a string, and an unset one as ''.
const blankAsUnset = (value: unknown) => (value === '' ? undefined : value);

/** The properties of a `Custom::WarrenFleetCa` resource. */
export const fleetCaProperties = z.strictObject({
  ServiceToken: z.string().optional(),
  SecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager ARN'),
  // 64: the X.520 upper bound for a common name.
  CommonName: z.preprocess(
    blankAsUnset,
    z.string().min(1).max(64).default(DEFAULT_FLEET_CA_COMMON_NAME),
  ),
  // At least as long as the 30 days of a broker certificate it signs.
  ValidityDays: z.preprocess(
    blankAsUnset,
    z.coerce
      .number()
      .int('must be a whole number of days')
      .min(30)
      .max(36_500)
      .default(DEFAULT_FLEET_CA_VALIDITY_DAYS),
  ),
});

export type FleetCaProperties = z.infer<typeof fleetCaProperties>;

/** The CA secret does not hold a usable CA where one was expected. */
export class FleetCaMissingError extends Error {
  readonly secretArn: string;
  constructor(secretArn: string, reason: string) {
    super(`secret ${secretArn} holds no usable fleet CA (${reason})`);
    this.name = 'FleetCaMissingError';
    this.secretArn = secretArn;
  }
}

export interface FleetCaResourceDeps {
  readonly storeFor: (secretArn: string) => FleetCaStore;
  readonly now: () => Date;
  /** Where each request's outcome is reported. @default logOutcome (a JSON line) */
  readonly log?: (message: string) => void;
}

/**
 * The on-event logic of `Custom::WarrenFleetCa`: the fleet CA, kept in the
 * secret named by `SecretArn` (also the physical id). Create reuses a CA the
 * secret already holds (one retained from an earlier deployment) or generates
 * one and writes it; an Update of the same secret returns the stored CA
 * unchanged (CommonName and ValidityDays apply to a new CA only); Delete leaves
 * the secret alone (CDK retains it). Data `{ CertificatePem }`: the certificate
 * only, never the key.
 *
 * @example export const handler = createFleetCaResource({ storeFor: (arn) => new SecretsManagerFleetCaStore(client, arn), now: () => new Date() });
 */
export function createFleetCaResource({
  storeFor,
  now,
  log = logOutcome,
}: FleetCaResourceDeps): OnEventHandler {
  const provide = async (properties: FleetCaProperties): Promise<OnEventResult> => {
    const provided = await provideFleetCa(storeFor(properties.SecretArn), {
      commonName: properties.CommonName,
      validityDays: properties.ValidityDays,
      now: now(),
    });
    log(
      provided.outcome === 'reused'
        ? `reused the fleet CA already in secret ${properties.SecretArn}`
        : `generated a new fleet CA in secret ${properties.SecretArn} (it held none: ${provided.replaced})`,
    );
    return result(properties.SecretArn, provided.ca.certificatePem);
  };

  const keep = async (properties: FleetCaProperties): Promise<OnEventResult> => {
    const reading = readFleetCa(await storeFor(properties.SecretArn).read(), now());
    if (!reading.ok) throw new FleetCaMissingError(properties.SecretArn, reading.reason);
    log(`the fleet CA in secret ${properties.SecretArn} is unchanged`);
    return result(properties.SecretArn, reading.ca.certificatePem);
  };

  return async (event) => {
    switch (event.RequestType) {
      case 'Create':
        return provide(parseResourceProperties(fleetCaProperties, event.ResourceProperties));
      case 'Update': {
        const properties = parseResourceProperties(fleetCaProperties, event.ResourceProperties);
        // Another secret is another CA: CloudFormation then deletes the old id, which keeps its secret.
        return properties.SecretArn === event.PhysicalResourceId
          ? keep(properties)
          : provide(properties);
      }
      case 'Delete':
        log(`the fleet CA secret ${event.PhysicalResourceId} is retained`);
        return { PhysicalResourceId: event.PhysicalResourceId };
      default:
        return unknownRequest(event);
    }
  };
}

function result(secretArn: string, certificatePem: string): OnEventResult {
  return { PhysicalResourceId: secretArn, Data: { CertificatePem: certificatePem } };
}
