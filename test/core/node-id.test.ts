import { describe, expect, it } from 'vitest';
import { assertNodeId, InvalidNodeIdError, NODE_ID_PATTERN } from '../../src/core/node-id.js';

const VALID = ['b1', 'a', '7', 'broker-1', 'eu-west-1a-b2', '0-0', 'b1-', 'a'.repeat(63)];

const INVALID = [
  '',
  'B1',
  'Broker',
  'b 1',
  ' b1',
  '-b1',
  'b_1',
  'b.1',
  'b1@localhost',
  'b1/x',
  'b1\n',
  'bé',
  'a'.repeat(64),
];

describe('assertNodeId', () => {
  it.each(VALID)('accepts %j and returns it unchanged', (id) => {
    expect(assertNodeId(id)).toBe(id);
    expect(NODE_ID_PATTERN.test(id)).toBe(true);
  });

  it.each(INVALID)('rejects %j with InvalidNodeIdError naming the input', (id) => {
    expect(NODE_ID_PATTERN.test(id)).toBe(false);
    let thrown: unknown;
    try {
      assertNodeId(id);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidNodeIdError);
    const error = thrown as InvalidNodeIdError;
    expect(error.name).toBe('InvalidNodeIdError');
    expect(error.input).toBe(id);
    expect(error.message).toContain(JSON.stringify(id));
    expect(error.message).toContain('1-63 lowercase letters, digits and dashes');
  });
});
