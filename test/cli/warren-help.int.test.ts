import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runWarren } from '../support/warren-cli.js';

const COMMANDS = [
  'dev',
  'nodes',
  'nodes list',
  'nodes register',
  'nodes drain',
  'nodes undrain',
  'nodes maintenance',
  'nodes retire',
  'consume',
];

describe('warren --help, per command', () => {
  it('prints only the top-level usage for --help and help', async () => {
    const [help, word, short] = await Promise.all([
      runWarren(['--help']),
      runWarren(['help']),
      runWarren(['-h']),
    ]);

    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: warren <command> \[options\]\n/);
    expect(help.stdout).toContain('help [<command>]');
    expect(help.stdout).not.toContain('Usage: warren dev');
    expect(help.stdout).not.toContain('--nodes N');
    expect(word).toEqual(help);
    expect(short).toEqual(help);
  });

  it.each(COMMANDS)('gives "%s" a usage of its own, also as "warren help %s"', async (command) => {
    const words = command.split(' ');
    const [flag, viaHelp] = await Promise.all([
      runWarren([...words, '--help']),
      runWarren(['help', ...words]),
    ]);

    expect(flag).toMatchObject({ code: 0, stderr: '' });
    expect(flag.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: warren ${command}( |$)`));
    expect(flag.stdout).toContain('--json');
    expect(viaHelp).toEqual(flag);
  });

  it('lists only the options nodes drain takes, and the JSON it prints', async () => {
    const { code, stdout } = await runWarren(['nodes', 'drain', '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: warren nodes drain <id> \[options\]/);
    for (const option of ['--json', '--data-dir', '--table', '--endpoint', '--help'])
      expect(stdout).toContain(option);
    for (const option of ['--queue', '--label', '--az', '--ca-file', '--probe-interval-ms'])
      expect(stdout).not.toContain(option);
    expect(stdout).toContain('{"node": NODE}');
    expect(stdout).toContain('"health": {"state", "since", "reason"}');
  });

  it('documents every field consume prints, hasMessageId and redelivered included', async () => {
    const { code, stdout } = await runWarren(['consume', '--help']);

    expect(code).toBe(0);
    for (const field of [
      'id',
      'hasMessageId',
      'replicas',
      'node',
      'body',
      'headers',
      'redeliveries',
      'redelivered',
      'publishedAt',
    ])
      expect(stdout).toMatch(new RegExp(`^ {2}${field} +\\S`, 'm'));
  });

  it('documents the JSON lines of dev --json', async () => {
    const { code, stdout } = await runWarren(['dev', '--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: warren dev \[options\]/);
    expect(stdout).toContain('--json');
    for (const type of ['fleet-starting', 'fleet-ready', 'health-changed', 'broker-exited'])
      expect(stdout).toContain(type);
  });

  it('prints the version, and with --json as a document', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };

    const [plain, json] = await Promise.all([
      runWarren(['--version']),
      runWarren(['--version', '--json']),
    ]);

    expect(plain).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ version: pkg.version });
  });
});

describe('warren on a mistyped command line', () => {
  it.each([
    [
      ['nodes', 'list', '--jsn'],
      'warren: unknown option --jsn for "nodes list" (did you mean --json?)',
    ],
    [
      ['nodes', 'drain', 'b1', '--jsno'],
      'warren: unknown option --jsno for "nodes drain" (did you mean --json?)',
    ],
    [['dev', '--node', '2'], 'warren: unknown option --node for "dev" (did you mean --nodes?)'],
    [
      ['consume', 'tasks', '--prefech', '5'],
      'warren: unknown option --prefech for "consume" (did you mean --prefetch?)',
    ],
    [['--verison'], 'warren: unknown option --verison (did you mean --version?)'],
    [['nods'], 'warren: unknown command "nods" (did you mean nodes?)'],
    [['consmue', 'tasks'], 'warren: unknown command "consmue" (did you mean consume?)'],
    [['nodes', 'dran', 'b1'], 'warren: unknown command "dran" for "nodes" (did you mean drain?)'],
    [['help', 'nods'], 'warren: unknown command "nods" (did you mean nodes?)'],
  ])('refuses %j in one line that suggests the nearest name, exit 2', async (args, line) => {
    expect(await runWarren(args)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it.each([
    [
      ['nodes', 'list', '--verbose'],
      'warren: unknown option --verbose for "nodes list" (see "warren nodes list --help")',
    ],
    [['frobnicate'], 'warren: unknown command "frobnicate" (see "warren --help")'],
    [
      ['nodes', 'drain'],
      'warren: "nodes drain" takes <id> (1 argument), not 0 (see "warren nodes drain --help")',
    ],
    [
      ['nodes', 'list', '--json=yes'],
      'warren: --json takes no value (see "warren nodes list --help")',
    ],
    [
      ['nodes', 'list', '--az', 'a'],
      'warren: --az does not apply to "nodes list", only to "nodes register"',
    ],
    [['dev', '--port'], 'warren: --port needs a value (see "warren dev --help")'],
    [['dev', 'start'], 'warren: "dev" takes no arguments, not "start" (see "warren dev --help")'],
  ])('refuses %j in one line naming the help when nothing is close, exit 2', async (args, line) => {
    expect(await runWarren(args)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('prints the usage on stderr, exit 2, when the command is missing', async () => {
    const [bare, nodes] = await Promise.all([runWarren([]), runWarren(['nodes'])]);

    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^warren: missing command\n\nUsage: warren <command>/);
    expect(nodes.code).toBe(2);
    expect(nodes.stderr).toMatch(
      /^warren: missing command: list, register, drain, .*\n\nUsage: warren nodes <command>/,
    );
  });
});
