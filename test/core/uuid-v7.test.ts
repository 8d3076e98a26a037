import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../src/core/uuid-v7.js';

const zeros = new Uint8Array(10);
const ones = new Uint8Array(10).fill(0xff);

describe('uuidV7', () => {
  it.each([
    [0, zeros, '00000000-0000-7000-8000-000000000000'],
    [0x0123456789ab, zeros, '01234567-89ab-7000-8000-000000000000'],
    [0, ones, '00000000-0000-7fff-bfff-ffffffffffff'],
  ])('encodes %i ms with the version and variant bits', (ms, random, expected) => {
    expect(uuidV7(ms, random)).toBe(expected);
  });

  it('sorts by creation time', () => {
    const a = uuidV7(Date.parse('2026-11-26T12:00:00.000Z'), ones);
    const b = uuidV7(Date.parse('2026-11-26T12:00:00.001Z'), zeros);
    expect(a < b).toBe(true);
  });

  it('refuses too few random bytes', () => {
    expect(() => uuidV7(0, new Uint8Array(9))).toThrow(RangeError);
  });
});
