import { readFileSync } from 'node:fs';
import { redactAmqpUrl } from '../core/amqp-endpoint.js';
import { type CommandIo, commandIo } from './command-io.js';
import { runConsume } from './consume-command.js';
import { runDev } from './dev-command.js';
import { runNodes } from './nodes-command.js';
import { parseCommandLine } from './parse-command-line.js';
import { suggestName } from './suggest-name.js';
import { UsageError } from './usage-error.js';
import { WARREN_USAGE } from './warren-usage.js';

const COMMANDS = ['dev', 'nodes', 'consume', 'help'];

const TOP_LEVEL_OPTIONS = {
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The `warren` command line. Returns the exit code: 0 done, 1 failed, 2 bad usage.
 * Errors print as one line on stderr, never a stack trace.
 *
 * @example process.exitCode = await main(['dev', '--nodes', '3']);
 */
export async function main(argv: readonly string[], io: Partial<CommandIo> = {}): Promise<number> {
  const full = commandIo(io);
  try {
    return await run(argv, full);
  } catch (error) {
    if (error instanceof UsageError) {
      for (const line of error.lines()) full.err(line);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    full.err(`warren: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'dev':
      return runDev(args, io);
    case 'nodes':
      return runNodes(args, io);
    case 'consume':
      return runConsume(args, io);
    case 'help':
      // `warren help nodes drain` is `warren nodes drain --help`, mistakes included.
      return args.length === 0 ? usage(io) : run([...args, '--help'], io);
    case undefined:
      throw new UsageError('missing command', '', { usage: WARREN_USAGE });
    default:
      if (command.startsWith('-')) return topLevel(argv, io);
      throw unknownCommand(command);
  }
}

function usage(io: CommandIo): number {
  io.out(WARREN_USAGE);
  return 0;
}

function topLevel(argv: readonly string[], io: CommandIo): number {
  const line = parseCommandLine(argv, {
    command: '',
    options: TOP_LEVEL_OPTIONS,
    allowPositionals: false,
  });
  if (line.help) return usage(io);
  if (line.values.version) {
    io.out(line.values.json ? JSON.stringify({ version: version() }) : version());
    return 0;
  }
  if (line.values.json) {
    throw new UsageError(
      '--json goes with --version, or after a command: warren nodes list --json',
      '',
    );
  }
  throw new UsageError('missing command', '', { usage: WARREN_USAGE });
}

function unknownCommand(command: string): UsageError {
  const nearest = suggestName(command, COMMANDS);
  // A URL with a password may stand where the command belongs.
  const shown = JSON.stringify(redactAmqpUrl(command));
  return nearest === undefined
    ? new UsageError(`unknown command ${shown}`, '')
    : new UsageError(`unknown command ${shown} (did you mean ${nearest}?)`, '', { suggests: true });
}
