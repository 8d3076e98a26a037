/**
 * The fleet's certificate issuer, behind a function URL with AWS_IAM auth that
 * only broker instance roles may invoke: signs a broker's CSR with the fleet CA
 * for the private IP and DNS name EC2 reports for the calling instance. The
 * only code that reads the CA key. A composition root: config and clients are
 * built once per container, at module scope.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCertificateIssuerConfig } from '../src/tls/certificate-issuer-config.js';
import { createCertificateIssuerHandler } from '../src/tls/create-certificate-issuer-handler.js';
import { Ec2InstanceDirectory } from '../src/tls/ec2-instance-directory.js';
import { SecretsManagerFleetCaStore } from '../src/tls/secrets-manager-fleet-ca-store.js';

const { caSecretArn } = readCertificateIssuerConfig(process.env);

export const handler = createCertificateIssuerHandler({
  caStore: new SecretsManagerFleetCaStore(new SecretsManagerClient({}), caSecretArn),
  instances: new Ec2InstanceDirectory(new EC2Client({})),
  now: () => new Date(),
});
