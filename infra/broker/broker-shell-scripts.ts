import { defaultTopology } from '../../src/topology/load-topology.js';
import { type BrokerBootOptions, renderBootScript } from './boot-script.js';
import { brokerFiles } from './broker-files.js';

/** Values of the shape CloudFormation puts in place of the stack's tokens. */
export const SAMPLE_BOOT_OPTIONS: BrokerBootOptions = {
  nodeId: 'b1',
  region: 'eu-west-1',
  rabbitmqVersion: '4.1.4',
  erlangMajor: 27,
  dataVolumeId: 'vol-0123456789abcdef0',
  credentialsSecretArn:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren/amqp-credentials-AbCdEf',
  certificateIssuerUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/',
  topology: defaultTopology,
  logGroupName: '/warren/brokers/b1',
};

/**
 * Every bash script a broker runs, by name: the user data and the scripts it
 * installs. `npm run lint:shell` runs shellcheck over them; the tests run `bash -n`.
 *
 * @example brokerShellScripts(SAMPLE_BOOT_OPTIONS).map((script) => script.name) // ['user-data.sh', 'warren-issue-certificate', …]
 */
export function brokerShellScripts(options: BrokerBootOptions): { name: string; text: string }[] {
  const installed = brokerFiles(options).filter((file) => file.mode === '0755');
  return [
    { name: 'user-data.sh', text: renderBootScript(options) },
    ...installed.map((file) => ({
      name: file.path.split('/').pop() ?? file.path,
      text: file.content,
    })),
  ];
}
