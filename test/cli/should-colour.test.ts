import { describe, expect, it } from 'vitest';
import { createPaint, noPaint } from '../../src/cli/ansi-style.js';
import { shouldColour } from '../../src/cli/should-colour.js';

describe('shouldColour', () => {
  it.each<[string, boolean | undefined, Record<string, string>, boolean]>([
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['a stream that says nothing', undefined, {}, false],
    ['a terminal with NO_COLOR=1', true, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR=0 (any non-empty value)', true, { NO_COLOR: '0' }, false],
    ['a terminal with NO_COLOR empty (unset)', true, { NO_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR=1', false, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR=true', false, { FORCE_COLOR: 'true' }, true],
    ['a terminal with FORCE_COLOR=0', true, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', true, { FORCE_COLOR: 'false' }, false],
    ['a pipe with FORCE_COLOR empty (unset)', false, { FORCE_COLOR: '' }, false],
    [
      'FORCE_COLOR=1 with NO_COLOR=1: NO_COLOR wins',
      true,
      { FORCE_COLOR: '1', NO_COLOR: '1' },
      false,
    ],
    ['a terminal with TERM=dumb', true, { TERM: 'dumb' }, false],
    ['TERM=dumb with FORCE_COLOR=1', false, { TERM: 'dumb', FORCE_COLOR: '1' }, true],
    ['a terminal with TERM=xterm-256color', true, { TERM: 'xterm-256color' }, true],
  ])('%s: %s', (_case, isTty, env, expected) => {
    expect(shouldColour(isTty, env)).toBe(expected);
  });
});

describe('createPaint', () => {
  it('wraps text in an ANSI colour and the reset of that colour only', () => {
    expect(createPaint(true)('green', 'healthy')).toBe('\x1b[32mhealthy\x1b[39m');
    expect(createPaint(true)('dim', 'initial')).toBe('\x1b[2minitial\x1b[22m');
  });

  it('leaves text as it is when colour is off, and empty text always', () => {
    expect(createPaint(false)('red', 'unhealthy')).toBe('unhealthy');
    expect(noPaint('yellow', 'STALE')).toBe('STALE');
    expect(createPaint(true)('red', '')).toBe('');
  });
});
