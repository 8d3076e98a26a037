import { describe, expect, it } from 'vitest';
import { editDistance, suggestName } from '../../src/cli/suggest-name.js';

const NODES_LIST = [
  'json',
  'data-dir',
  'table',
  'endpoint',
  'help',
  'queue',
  'ca-file',
  'probe-interval-ms',
];
const REGISTER = ['json', 'data-dir', 'table', 'endpoint', 'help', 'management-url', 'az', 'label'];
const COMMANDS = ['dev', 'nodes', 'consume', 'help'];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['json', 'json', 0],
    ['jsn', 'json', 1],
    ['jsno', 'json', 1],
    ['dtaa-dir', 'data-dir', 1],
    ['nods', 'nodes', 1],
    ['prefech', 'prefetch', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
  ])('%j to %j takes %i edits', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('suggestName', () => {
  it.each([
    ['jsn', NODES_LIST, 'json'],
    ['jsno', NODES_LIST, 'json'],
    ['JSON', NODES_LIST, 'json'],
    ['queu', NODES_LIST, 'queue'],
    ['data-dr', NODES_LIST, 'data-dir'],
    ['datadir', NODES_LIST, 'data-dir'],
    ['probe', NODES_LIST, 'probe-interval-ms'],
    ['probe-interval', NODES_LIST, 'probe-interval-ms'],
    ['lable', REGISTER, 'label'],
    ['tabel', REGISTER, 'table'],
    ['nods', COMMANDS, 'nodes'],
    ['node', COMMANDS, 'nodes'],
    ['consmue', COMMANDS, 'consume'],
    ['hlep', COMMANDS, 'help'],
    ['dve', COMMANDS, 'dev'],
  ])('suggests for %j among %j: %j', (typed, candidates, expected) => {
    expect(suggestName(typed, candidates)).toBe(expected);
  });

  it.each([
    ['verbose', NODES_LIST],
    ['x', NODES_LIST],
    ['frob', COMMANDS],
    ['start', COMMANDS],
    ['de', ['data-dir', 'dedupe']],
    ['jsn', []],
  ])('suggests nothing for %j among %j: nothing is close', (typed, candidates) => {
    expect(suggestName(typed, candidates)).toBeUndefined();
  });
});
