import { readFileSync } from 'node:fs';

/**
 * `value` as one bash word inside single quotes, where nothing expands. CDK
 * tokens (`${Token[…]}`) are quoted like any text; the values CloudFormation
 * puts in their place (ARNs, ids, names) contain no single quote.
 *
 * @example shellQuote("it's") // 'it'\''s'
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A bash script: strict mode, then `variables` as quoted assignments, then
 * `body` (a file under `scripts/`, which reads those variables).
 */
export function bashScript(
  summary: string,
  variables: Readonly<Record<string, string>>,
  body: string,
): string {
  const assignments = Object.entries(variables).map(([name, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
    return `${name}=${shellQuote(value)}`;
  });
  return ['#!/bin/bash', `# ${summary}`, 'set -euo pipefail', ...assignments, body].join('\n');
}

/**
 * A bash body shipped beside this module in `scripts/`, without its comment
 * and blank lines: user data is capped at 16 KB, and the comments stay in the source.
 */
export function scriptBody(name: string): string {
  const text = readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*#(?! shellcheck)/.test(line))
    .map((line) => `${line}\n`)
    .join('');
}

const DELIMITER = 'WARREN_EOF';

/**
 * A command that writes `content` to `path` with `mode`, creating parent
 * directories. The heredoc delimiter is quoted, so nothing in `content` expands.
 */
export function writeFileCommand(path: string, mode: string, content: string): string {
  if (!/^\/[\w./@-]+$/.test(path)) throw new Error(`unsafe path for user data: ${path}`);
  if (!/^0[0-7]{3}$/.test(mode)) throw new Error(`not an octal file mode: ${mode}`);
  const text = content.endsWith('\n') ? content : `${content}\n`;
  if (text.split('\n').includes(DELIMITER)) {
    throw new Error(`${path}: content contains the heredoc delimiter ${DELIMITER}`);
  }
  return `install -D -m ${mode} /dev/stdin ${path} <<'${DELIMITER}'\n${text}${DELIMITER}`;
}
