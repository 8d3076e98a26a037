import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A relative link in a Markdown file: the path part (empty for `#anchor`) and the anchor, if any. */
export interface MarkdownLink {
  readonly line: number;
  readonly path: string;
  readonly anchor?: string;
}

const FENCE = /^\s*(```|~~~)/;
// [text](target) and ![alt](target); the text may hold `code` but no brackets.
const LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const INLINE_CODE = /`[^`]*`/g;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { readonly line: number; readonly text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (FENCE.test(text)) fenced = !fenced;
    else if (!fenced) lines.push({ line: index + 1, text });
  });
  return lines;
}

/**
 * The relative links of a Markdown document, outside code blocks and code
 * spans; `https:`, `mailto:` and other schemes are left out.
 *
 * @example relativeLinks('[API](docs/http-api.md#errors)') // [{ line: 1, path: 'docs/http-api.md', anchor: 'errors' }]
 */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const match of text.replace(INLINE_CODE, '').matchAll(LINK)) {
      const target = match[1] ?? '';
      if (EXTERNAL.test(target)) continue;
      const [path = '', anchor] = target.split('#', 2);
      links.push({ line, path, ...(anchor !== undefined && { anchor }) });
    }
  }
  return links;
}

/**
 * The anchors GitHub gives a document's headings: lower case, punctuation
 * dropped, spaces to hyphens, `-1`, `-2`… for repeats.
 *
 * @example headingAnchors('## `POST /v1/publish`\n## Errors') // ['post-v1publish', 'errors']
 */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.push(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/**
 * What is wrong with the relative links of `file` (a path under `root`): a
 * target file that does not exist, or an anchor no heading of the target
 * Markdown file has. One line per problem, `file:line: …`.
 */
export function brokenLinks(
  root: string,
  file: string,
  pending: ReadonlySet<string> = new Set(),
): string[] {
  const source = join(root, file);
  const problems: string[] = [];
  for (const link of relativeLinks(readFileSync(source, 'utf8'))) {
    const target = link.path === '' ? source : join(dirname(source), decodeURI(link.path));
    const shown = relative(root, target);
    if (!existsSync(target)) {
      if (!pending.has(shown)) problems.push(`${file}:${link.line}: ${shown} does not exist`);
      continue;
    }
    if (link.anchor === undefined || !target.endsWith('.md')) continue;
    if (!headingAnchors(readFileSync(target, 'utf8')).includes(link.anchor)) {
      problems.push(`${file}:${link.line}: ${shown} has no heading #${link.anchor}`);
    }
  }
  return problems;
}
