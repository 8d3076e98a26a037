import { createPaint, noPaint, type Paint } from './ansi-style.js';
import { shouldColour } from './should-colour.js';

/** Where a command writes and what it reads from its surroundings. */
export interface CommandIo {
  /** Data and results (stdout), one line per call. */
  readonly out: (line: string) => void;
  /** Warnings and errors (stderr), one line per call. */
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Colours what goes to `out`: plain unless it is a terminal (see shouldColour). */
  readonly paint: Paint;
}

/**
 * The process's own streams and environment for what `io` leaves out. Colour
 * follows stdout only when `out` is stdout too: lines a caller collects are plain.
 *
 * @example const io = commandIo({ out: (line) => lines.push(line), env: {} });
 */
export function commandIo(io: Partial<CommandIo> = {}): CommandIo {
  const env = io.env ?? process.env;
  return {
    out: io.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: io.err ?? ((line) => process.stderr.write(`${line}\n`)),
    env,
    paint:
      io.paint ??
      (io.out === undefined ? createPaint(shouldColour(process.stdout.isTTY, env)) : noPaint),
  };
}
