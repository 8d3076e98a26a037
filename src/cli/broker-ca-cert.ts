import { readFile } from 'node:fs/promises';
import { CaCertificateError, parseCaCertificate } from '../amqp/ca-certificate.js';
import { readAmqpCaCertConfig } from '../config.js';
import { UsageError } from './usage-error.js';

/**
 * The CA certificate a CLI command trusts for amqps:// brokers: the PEM file
 * given with `--ca-file`, else `WARREN_AMQP_CA_CERT`, else none (Node's public
 * roots; plain amqp:// brokers, such as the local fleet's, need none). A file
 * that cannot be read or is not a CA certificate is a UsageError of `command`.
 *
 * @example const caCertPem = await brokerCaCert('fleet-ca.pem', process.env, 'consume');
 */
export async function brokerCaCert(
  caFile: string | undefined,
  env: NodeJS.ProcessEnv,
  command: string,
): Promise<string | undefined> {
  if (caFile === undefined) return readAmqpCaCertConfig(env);
  const source = `--ca-file ${caFile}`;
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new UsageError(
      `${source}: cannot be read (${code ?? (error as Error).message})`,
      command,
    );
  }
  try {
    return parseCaCertificate(pem, source);
  } catch (error) {
    if (error instanceof CaCertificateError) throw new UsageError(error.message, command);
    throw error;
  }
}
