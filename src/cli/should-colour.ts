/**
 * Whether to colour what goes to a stream, by the usual conventions:
 * `NO_COLOR` with any non-empty value turns colour off (https://no-color.org),
 * whatever else is set; `FORCE_COLOR` turns it on even into a pipe, unless it
 * is `0` or `false`; `TERM=dumb` turns it off; otherwise only a terminal gets
 * colour. An empty variable counts as unset. Pure: the caller passes the
 * stream's `isTTY` and the environment.
 *
 * @example shouldColour(process.stdout.isTTY, process.env)
 */
export function shouldColour(
  isTty: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTty === true;
}
