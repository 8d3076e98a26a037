/**
 * The service token of the registry stack's `Custom::WarrenFleetCa` resource:
 * creates the fleet certificate authority once, keeps it in a Secrets Manager
 * secret, and hands CloudFormation the CA certificate. A composition root.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createCustomResourceHandler } from '../src/custom-resource/create-custom-resource-handler.js';
import { createFleetCaResource } from '../src/custom-resource/fleet-ca-resource.js';
import { SecretsManagerFleetCaStore } from '../src/tls/secrets-manager-fleet-ca-store.js';

const secretsManager = new SecretsManagerClient({});

export const handler = createCustomResourceHandler(
  createFleetCaResource({
    storeFor: (secretArn) => new SecretsManagerFleetCaStore(secretsManager, secretArn),
    now: () => new Date(),
  }),
);
