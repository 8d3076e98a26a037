import type { HealthStateName } from '../core/broker-node.js';

// SGR codes: each style's "on" and the "off" that ends only it, so styles nest.
// Plain codes rather than node:util styleText, which Node 20.11 (in `engines`) lacks.
const CODES = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
} as const;

export type AnsiStyle = keyof typeof CODES;

/** Styles text, or returns it as it is; what a renderer is given, so it never decides colour itself. */
export type Paint = (style: AnsiStyle, text: string) => string;

/** The colour of each health state wherever the CLI shows one. */
export const HEALTH_STYLE: Readonly<Record<HealthStateName, AnsiStyle>> = {
  initial: 'dim',
  healthy: 'green',
  degraded: 'yellow',
  blocked: 'red',
  unhealthy: 'red',
};

/** A Paint that adds ANSI colour when `enabled` (see shouldColour), else changes nothing. */
export function createPaint(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => {
    const [on, off] = CODES[style];
    return text === '' ? text : `\x1b[${on}m${text}\x1b[${off}m`;
  };
}

/** A Paint that changes nothing: plain text for pipes, files and tests. */
export const noPaint: Paint = createPaint(false);
