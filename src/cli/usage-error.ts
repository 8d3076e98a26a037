/**
 * The command line was wrong: the CLI prints one line and exits 2. The line
 * names the command's help (`see "warren nodes drain --help"`) unless it
 * already suggests what was meant, or `usage`, when given, is printed in full
 * below it (for a command given without the subcommand it needs).
 */
export class UsageError extends Error {
  /** The command whose usage applies, e.g. `nodes drain`; empty for `warren` itself. */
  readonly command: string;
  /** The message ends in a suggestion (`did you mean --json?`): no pointer to the help. */
  readonly suggests: boolean;
  readonly usage?: string;
  constructor(
    message: string,
    command: string,
    options: { readonly suggests?: boolean; readonly usage?: string } = {},
  ) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
    this.suggests = options.suggests ?? false;
    if (options.usage !== undefined) this.usage = options.usage;
  }

  /** What the CLI prints on stderr, `warren: ` included. */
  lines(): string[] {
    const help = `warren${this.command ? ` ${this.command}` : ''} --help`;
    // A suggestion or the usage itself below says enough: no pointer to the help.
    const pointer = this.suggests || this.usage !== undefined ? '' : ` (see "${help}")`;
    const first = `warren: ${this.message}${pointer}`;
    return this.usage === undefined ? [first] : [first, '', this.usage];
  }
}
