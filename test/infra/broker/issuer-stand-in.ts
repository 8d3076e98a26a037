/**
 * Stands in for `curl` when the broker's certificate script calls the issuer's
 * function URL: reads the curl arguments and the config the script pipes in
 * (`-K -`: the role's keys), checks the request is signed as Lambda expects
 * (`--aws-sigv4 aws:amz:<region>:lambda`, the session token header), and hands
 * the body to the real issuer handler as a function URL event carrying the
 * identity Lambda would have verified. What the issuer answers goes to `-o`;
 * like `curl --fail-with-body`, an error status exits 22.
 *
 * Environment: CA_JSON (file, the fleet CA secret value), EC2_INSTANCES (file,
 * InstanceDescription[]), CALLER_ARN, EXPECTED_USER, EXPECTED_TOKEN, EXPECTED_SIGV4,
 * REQUESTS (directory the request bodies are copied to).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateIssuerHandler } from '../../../src/tls/create-certificate-issuer-handler.js';
import type { InstanceDescription } from '../../../src/tls/instance-directory.js';
import { InMemoryFleetCaStore } from '../../tls/in-memory-fleet-ca-store.js';
import { InMemoryInstanceDirectory, issuerEvent } from '../../tls/issuer-fixtures.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`issuer stand-in: ${name} is not set`);
  return value;
};

function fail(message: string): never {
  process.stderr.write(`curl (issuer stand-in): ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const options = new Map<string, string>();
const headers: string[] = [];
let url: string | undefined;
for (let index = 0; index < args.length; index++) {
  const arg = args[index] ?? '';
  if (['-sS', '--fail-with-body'].includes(arg)) continue;
  if (arg === '-H') headers.push(args[++index] ?? '');
  else if (arg.startsWith('-')) options.set(arg, args[++index] ?? '');
  else url = arg;
}
if (options.get('-K') !== '-') fail('expected the credentials as a config on stdin (-K -)');
const config = readFileSync(0, 'utf8');
const user = /^user = "(.*)"$/m.exec(config)?.[1];
const token = /^header = "x-amz-security-token: (.*)"$/m.exec(config)?.[1];
if (user !== env('EXPECTED_USER')) fail('the config does not carry the role keys as user');
if (token !== env('EXPECTED_TOKEN')) fail('the config does not carry the session token header');
if (options.get('--aws-sigv4') !== env('EXPECTED_SIGV4'))
  fail('not signed for lambda in the region');
if (!headers.includes('content-type: application/json')) fail('the body is not sent as JSON');
if (url !== env('ISSUER_URL')) fail(`unexpected URL ${url}`);
const bodyFile = options.get('--data-binary')?.replace(/^@/, '');
const output = options.get('-o');
if (!bodyFile || !output) fail('expected --data-binary @file and -o file');
copyFileSync(bodyFile, join(env('REQUESTS'), `request-${Date.now()}.json`));

const instances = JSON.parse(readFileSync(env('EC2_INSTANCES'), 'utf8')) as InstanceDescription[];
const handler = createCertificateIssuerHandler({
  caStore: new InMemoryFleetCaStore(readFileSync(env('CA_JSON'), 'utf8')),
  instances: new InMemoryInstanceDirectory(new Map(instances.map((i) => [i.instanceId, i]))),
  now: () => new Date(),
  log: () => undefined,
});
const result = await handler(issuerEvent(readFileSync(bodyFile, 'utf8'), env('CALLER_ARN')));
writeFileSync(output, result.body);
process.exit(result.statusCode >= 400 ? 22 : 0);
