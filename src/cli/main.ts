import { readFileSync } from 'node:fs';
import { runConsume } from './consume-command.js';
import { DEV_USAGE, runDev } from './dev-command.js';
import { runNodes } from './nodes-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `Usage: warren <command> [options]

Commands:
  dev          run a local fleet of independent RabbitMQ brokers with the registry and HTTP API
  nodes        list the brokers in the registry (nodes list [--json]), register one
               (nodes register <id> <amqp-url>), or set its admin state
               (nodes drain | undrain | maintenance | retire <id>)
  consume      print the messages of a queue from every broker as JSON lines

Run "warren <command> --help" for a command's options.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The `warren` command line. Returns the exit code: 0 done, 1 failed, 2 bad usage.
 * Errors print as one message, never a stack trace.
 *
 * @example process.exitCode = await main(['dev', '--nodes', '3']);
 */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'dev':
        return await runDev(args, out);
      case 'nodes':
        return await runNodes(args, out);
      case 'consume':
        return await runConsume(args, out, process.env, err);
      case '--version':
      case '-v':
        out(version());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(`${USAGE}\n\n${DEV_USAGE}`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`, USAGE);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`warren: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    err(`warren: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
