import { parseArgs } from 'node:util';
import { redactAmqpUrl } from '../core/amqp-endpoint.js';
import { suggestName } from './suggest-name.js';
import { UsageError } from './usage-error.js';

/** One option of a command, as node:util parseArgs declares it. */
export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly multiple?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends { readonly type: 'boolean' }
  ? boolean
  : S extends { readonly multiple: true }
    ? string[]
    : string;

/** The options given, typed by their specs; an option not given is absent. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

export interface CommandLineSpec<O extends OptionSpecs> {
  /** The command as typed after `warren`, for messages and the help pointer: `nodes drain`. */
  readonly command: string;
  readonly options: O;
  readonly allowPositionals: boolean;
  /** Other commands' options by command: given here, they are refused as not applying. */
  readonly elsewhere?: Readonly<Record<string, OptionSpecs>>;
}

export type CommandLine<O extends OptionSpecs> =
  | { readonly help: true }
  | { readonly help: false; readonly values: OptionValues<O>; readonly positionals: string[] };

/**
 * Parses a command's arguments. `--help` (or `-h`) anywhere wins over every
 * mistake. Otherwise every mistake is a one-line UsageError in warren's words,
 * never node:util's: an unknown option is named with the nearest valid one
 * (`unknown option --jsn for "nodes list" (did you mean --json?)`), and no
 * message repeats a value that may hold a password.
 *
 * @example
 * const line = parseCommandLine(['--json'], { command: 'nodes list', options: { json: { type: 'boolean' } }, allowPositionals: false });
 */
export function parseCommandLine<O extends OptionSpecs>(
  args: readonly string[],
  spec: CommandLineSpec<O>,
): CommandLine<O> {
  const known: Record<string, OptionSpec> = { ...spec.options };
  for (const options of Object.values(spec.elsewhere ?? {})) Object.assign(known, options);
  // Not strict: warren checks the tokens itself, so that it words every refusal.
  const { tokens } = parseArgs({ args: [...args], options: known, strict: false, tokens: true });
  const refuse = (message: string, suggests = false) =>
    new UsageError(message, spec.command, { suggests });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const options = tokens.filter((token) => token.kind === 'option');
  if (options.some((token) => spec.options[token.name] !== undefined && token.name === 'help')) {
    return { help: true };
  }
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const { name, rawName } = token;
    const option = spec.options[name];
    if (option === undefined) {
      const owner = Object.entries(spec.elsewhere ?? {}).find(([, other]) => other[name]);
      if (owner) {
        throw refuse(`${rawName} does not apply to "${spec.command}", only to "${owner[0]}"`, true);
      }
      throw unknownOption(rawName, name, spec);
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw refuse(`${rawName} takes no value`);
      values[name] = true;
      continue;
    }
    if (token.value === undefined) throw refuse(`${rawName} needs a value`);
    if (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-')) {
      // As node:util's strict mode: `--data-dir --json` is a missing value, not a directory named --json.
      throw refuse(
        `${rawName} needs a value; for one that starts with "-", write ${rawName}=VALUE`,
      );
    }
    if (option.multiple) {
      const previous = values[name];
      values[name] = [...(Array.isArray(previous) ? previous : []), token.value];
    } else values[name] = token.value;
  }
  if (!spec.allowPositionals && positionals[0] !== undefined) {
    const shown = JSON.stringify(redactAmqpUrl(positionals[0]));
    throw refuse(`"${spec.command || 'warren'}" takes no arguments, not ${shown}`);
  }
  return { help: false, values: values as OptionValues<O>, positionals };
}

function unknownOption(rawName: string, name: string, spec: CommandLineSpec<OptionSpecs>) {
  const where = spec.command ? ` for "${spec.command}"` : '';
  // Only long options get a suggestion: one letter is too little to guess from.
  const nearest = rawName.startsWith('--')
    ? suggestName(name, Object.keys(spec.options))
    : undefined;
  return nearest === undefined
    ? new UsageError(`unknown option ${rawName}${where}`, spec.command)
    : new UsageError(
        `unknown option ${rawName}${where} (did you mean --${nearest}?)`,
        spec.command,
        {
          suggests: true,
        },
      );
}

/**
 * The arguments that are not options, as `options` reads them: what names a
 * subcommand before its own options are known (`nodes --table t drain b2`).
 *
 * @example positionalsOf(['--table', 't', 'drain', 'b2'], { table: { type: 'string' } }) // ['drain', 'b2']
 */
export function positionalsOf(args: readonly string[], options: OptionSpecs): string[] {
  return parseArgs({
    args: [...args],
    options: { ...options },
    strict: false,
    allowPositionals: true,
  }).positionals;
}
