import { describe, expect, it } from 'vitest';
import {
  type OptionSpecs,
  parseCommandLine,
  positionalsOf,
} from '../../src/cli/parse-command-line.js';
import { UsageError } from '../../src/cli/usage-error.js';

const OPTIONS = {
  json: { type: 'boolean' },
  port: { type: 'string' },
  label: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;
const spec = { command: 'demo run', options: OPTIONS, allowPositionals: true };

function refusal(
  args: string[],
  extra: { allowPositionals?: boolean; elsewhere?: Record<string, OptionSpecs> } = {},
) {
  try {
    parseCommandLine(args, { ...spec, ...extra });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).lines();
  }
  throw new Error(`${JSON.stringify(args)} was accepted`);
}

describe('parseCommandLine', () => {
  it.each([
    [[], {}, []],
    [['--json', 'a'], { json: true }, ['a']],
    [['--port', '80', '--port=81'], { port: '81' }, []],
    [['--port=-1'], { port: '-1' }, []],
    [['--label', 'a=1', '--label=b=2'], { label: ['a=1', 'b=2'] }, []],
    [['x', '--', '--json'], {}, ['x', '--json']],
  ])('reads %j', (args, values, positionals) => {
    expect(parseCommandLine(args, spec)).toEqual({ help: false, values, positionals });
  });

  it.each([
    [['--help']],
    [['-h']],
    [['--bogus', '--help']],
    [['--port', '80', '-h']],
    [['x', '-h', '--json=1']],
  ])('asks for help with %j, whatever else is wrong', (args) => {
    expect(parseCommandLine(args, spec)).toEqual({ help: true });
  });

  it.each([
    [['--jsn'], 'warren: unknown option --jsn for "demo run" (did you mean --json?)'],
    [['--prot', '80'], 'warren: unknown option --prot for "demo run" (did you mean --port?)'],
    [
      ['--verbose'],
      'warren: unknown option --verbose for "demo run" (see "warren demo run --help")',
    ],
    [['-x'], 'warren: unknown option -x for "demo run" (see "warren demo run --help")'],
    [['--json=yes'], 'warren: --json takes no value (see "warren demo run --help")'],
    [['--port'], 'warren: --port needs a value (see "warren demo run --help")'],
    [
      ['--port', '--json'],
      'warren: --port needs a value; for one that starts with "-", write --port=VALUE (see "warren demo run --help")',
    ],
  ])('refuses %j in one line of its own words', (args, line) => {
    expect(refusal(args)).toEqual([line]);
  });

  it('names the command an option given to the wrong one belongs to', () => {
    const elsewhere = { 'demo list': { queue: { type: 'string' } } } as const;
    expect(refusal(['--queue', 'tasks'], { elsewhere })).toEqual([
      'warren: --queue does not apply to "demo run", only to "demo list"',
    ]);
  });

  it('refuses an argument where none is taken, without repeating a password in it', () => {
    expect(refusal(['amqp://app:s3cret@mq:5672'], { allowPositionals: false })).toEqual([
      'warren: "demo run" takes no arguments, not "amqp://app:***@mq:5672" (see "warren demo run --help")',
    ]);
  });
});

describe('positionalsOf', () => {
  it('skips options and their values to find the arguments', () => {
    expect(positionalsOf(['--port', '80', 'drain', '--json', 'b2'], OPTIONS)).toEqual([
      'drain',
      'b2',
    ]);
  });
});
