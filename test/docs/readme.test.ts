import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, headingAnchors, relativeLinks } from './markdown-links.js';

const root = join(import.meta.dirname, '../..');
const README_MAX_BYTES = 15 * 1024;
/**
 * Link targets another change of issue 13 is adding (the OpenAPI document);
 * drop an entry once its file is in the repository, so the link is checked.
 */
const PENDING = new Set<string>();

const documents = [
  'README.md',
  'CHANGELOG.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('README', () => {
  it('stays a ten-minute read: 15 KB at most, reference material in docs/', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it.each(documents)('%s links only to files and headings that exist', (file) => {
    expect(brokenLinks(root, file, PENDING)).toEqual([]);
  });
});

describe('relativeLinks', () => {
  it.each([
    ['[API](docs/http-api.md)', [{ line: 1, path: 'docs/http-api.md' }]],
    [
      'see [errors](docs/http-api.md#errors).',
      [{ line: 1, path: 'docs/http-api.md', anchor: 'errors' }],
    ],
    ['[up](#start)', [{ line: 1, path: '', anchor: 'start' }]],
    [
      '[`warren consume`](../README.md#consume)',
      [{ line: 1, path: '../README.md', anchor: 'consume' }],
    ],
    ['[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)', []],
    ['`[not](a-link.md)` in code', []],
    ['```\n[not](a-link.md)\n```\n[yes](b.md)', [{ line: 4, path: 'b.md' }]],
  ])('finds the relative links of %j', (markdown, links) => {
    expect(relativeLinks(markdown)).toEqual(links);
  });
});

describe('headingAnchors', () => {
  it.each([
    ['## Start', ['start']],
    ['## `POST /v1/publish`', ['post-v1publish']],
    ['## The prober Lambda: `functions/prober.ts`', ['the-prober-lambda-functionsproberts']],
    ["## The publish Lambda's configuration", ['the-publish-lambdas-configuration']],
    [
      '## Upgrading RabbitMQ, one broker at a time (AWS)',
      ['upgrading-rabbitmq-one-broker-at-a-time-aws'],
    ],
    ['## Errors\n## Errors', ['errors', 'errors-1']],
    ['```\n## not a heading\n```', []],
  ])('gives %j the anchors GitHub gives it', (markdown, anchors) => {
    expect(headingAnchors(markdown)).toEqual(anchors);
  });
});

describe('brokenLinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-docs-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'target.md'), '# Target\n\n## Known heading\n');
  writeFileSync(
    join(dir, 'source.md'),
    [
      '[fine](target.md#known-heading)',
      '[missing file](nowhere.md)',
      '[missing heading](target.md#unknown)',
      '[missing here](#nothing)',
      '[pending](later.json)',
    ].join('\n'),
  );

  it('names every missing file and heading, with its line, and spares pending targets', () => {
    expect(brokenLinks(dir, 'source.md', new Set(['later.json']))).toEqual([
      'source.md:2: nowhere.md does not exist',
      'source.md:3: target.md has no heading #unknown',
      'source.md:4: source.md has no heading #nothing',
    ]);
  });
});
