/**
 * The on-event function of the `Provider` behind the registry stack's
 * `Custom::WarrenFleetCa` resource: creates the fleet certificate authority
 * once, keeps it in a Secrets Manager secret, and hands CloudFormation the CA
 * certificate. A composition root.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createFleetCaResource } from '../src/custom-resource/fleet-ca-resource.js';
import { SecretsManagerFleetCaStore } from '../src/tls/secrets-manager-fleet-ca-store.js';

const secretsManager = new SecretsManagerClient({});

export const handler = createFleetCaResource({
  storeFor: (secretArn) => new SecretsManagerFleetCaStore(secretsManager, secretArn),
  now: () => new Date(),
});
