import { describe, expect, it } from 'vitest';
import { parseConsumeArgs } from '../../src/cli/consume-args.js';
import { UsageError } from '../../src/cli/usage-error.js';

describe('parseConsumeArgs', () => {
  it('defaults to acknowledging, prefetch 10, no count, the local fleet', () => {
    expect(parseConsumeArgs(['tasks'])).toEqual({
      queue: 'tasks',
      ack: true,
      dedupe: true,
      prefetch: 10,
      target: {},
    });
  });

  it('turns de-duplication off with --no-dedupe, and accepts --dedupe for the default', () => {
    expect(parseConsumeArgs(['tasks', '--no-dedupe'])).toMatchObject({ dedupe: false });
    expect(parseConsumeArgs(['tasks', '--dedupe'])).toMatchObject({ dedupe: true });
  });

  it('reads every option', () => {
    expect(
      parseConsumeArgs([
        'events.all',
        '--count',
        '5',
        '--no-ack',
        '--prefetch',
        '50',
        '--table',
        'warren-registry',
        '--ca-file',
        'fleet-ca.pem',
        '--topology',
        'definitions.json',
      ]),
    ).toEqual({
      queue: 'events.all',
      count: 5,
      ack: false,
      dedupe: true,
      prefetch: 50,
      caFile: 'fleet-ca.pem',
      topologyFile: 'definitions.json',
      target: { table: 'warren-registry' },
    });
  });

  it('accepts --json, as every command that prints data does: its output is JSON lines already', () => {
    expect(parseConsumeArgs(['tasks', '--json'])).toEqual(parseConsumeArgs(['tasks']));
  });

  it.each([
    [[]],
    [['a', 'b']],
    [['tasks', '--count', '0']],
    [['tasks', '--count', 'many']],
    [['tasks', '--prefetch', '1001']],
    [['tasks', '--ack', '--no-ack']],
    [['tasks', '--dedupe', '--no-dedupe']],
    [['tasks', '--no-dedup']],
    [['tasks', '--nodedupe']],
    [['tasks', '--no-dedupe=true']],
    [['tasks', '--dedupe', 'false']],
    [['tasks', '--data-dir', 'x', '--table', 'warren-registry']],
    [['tasks', '--table', 'a b']],
    [['tasks', '--bogus']],
    [['tasks', '--ca-file', '']],
    [['tasks', '--ca-file']],
    [['tasks', '--topology', '']],
    [['tasks', '--topology']],
    [['tasks', '--topology', 'definitions.json', '--data-dir', '.warren']],
  ])('refuses %j with a UsageError pointing at consume', (args) => {
    let thrown: unknown;
    try {
      parseConsumeArgs(args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).command).toBe('consume');
  });

  it.each([
    [
      ['tasks', '--prefech', '3'],
      'unknown option --prefech for "consume" (did you mean --prefetch?)',
    ],
    [
      ['tasks', '--no-dedup'],
      'unknown option --no-dedup for "consume" (did you mean --no-dedupe?)',
    ],
    [['tasks', '--bogus'], 'unknown option --bogus for "consume"'],
  ])('names the unknown option in %j', (args, message) => {
    expect(() => parseConsumeArgs(args)).toThrow(message);
  });
});
