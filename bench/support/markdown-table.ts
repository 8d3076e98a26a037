/** The Markdown the benches print their figures as, ready for BENCHMARKS.md and docs/. */

/**
 * A Markdown table of `rows` under `headers`.
 *
 * @example markdownTable(['brokers', 'RCU'], [['3', '0.5']]) // '| brokers | RCU |\n| --- | --- |\n| 3 | 0.5 |'
 */
export const markdownTable = (headers: readonly string[], rows: readonly (readonly string[])[]) =>
  [headers, headers.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');

/** A whole number with thousands separators, as the tables print counts: `10,000`. */
export const int = (value: number) => Math.round(value).toLocaleString('en-US');
