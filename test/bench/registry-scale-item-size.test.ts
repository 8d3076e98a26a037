import { describe, expect, it } from 'vitest';
import {
  attributeBytes,
  attributeValueBytes,
  itemBytes,
  nameBytes,
  numberBytes,
  type WireItem,
  type WireValue,
} from '../../bench/registry-scale/item-size.js';

describe('numberBytes', () => {
  it.each([
    { text: '0', bytes: 1 },
    { text: '7', bytes: 2 },
    { text: '12', bytes: 2 },
    { text: '123', bytes: 3 },
    { text: '1000', bytes: 2 },
    { text: '0.25', bytes: 2 },
    { text: '-2.50', bytes: 2 },
    { text: '1e3', bytes: 2 },
    { text: '123.456', bytes: 4 },
    { text: '1765094400123', bytes: 8 },
  ])(
    'counts $text as $bytes bytes: a byte per two significant digits, plus one',
    ({ text, bytes }) => {
      expect(numberBytes(text)).toBe(bytes);
    },
  );
});

describe('attributeValueBytes', () => {
  it.each<{ name: string; value: WireValue; bytes: number }>([
    { name: 'a string by its UTF-8 bytes', value: { S: 'node' }, bytes: 4 },
    {
      name: 'a non-ASCII string by its UTF-8 bytes, not its characters',
      value: { S: 'é' },
      bytes: 2,
    },
    { name: 'binary by its raw bytes, not its base64', value: { B: 'AQID' }, bytes: 3 },
    { name: 'a boolean as 1 byte', value: { BOOL: false }, bytes: 1 },
    { name: 'null as 1 byte', value: { NULL: true }, bytes: 1 },
    { name: 'an empty map as its 3-byte overhead', value: { M: {} }, bytes: 3 },
    {
      name: 'a map element as its name, its value and 1 byte',
      value: { M: { state: { S: 'active' } } },
      bytes: 3 + 5 + 6 + 1,
    },
    {
      name: 'a list element as its value and 1 byte',
      value: { L: [{ S: 'a' }, { N: '1' }] },
      bytes: 3 + (1 + 1) + (2 + 1),
    },
    { name: 'a string set as its strings', value: { SS: ['ab', 'c'] }, bytes: 3 },
    { name: 'a number set as its numbers', value: { NS: ['1', '22'] }, bytes: 4 },
  ])('counts $name', ({ value, bytes }) => {
    expect(attributeValueBytes(value)).toBe(bytes);
  });
});

const admin: WireItem = {
  admin: { M: { state: { S: 'active' }, since: { S: '2026-12-07T00:00:00.000Z' } } },
};

describe('itemBytes', () => {
  it.each<{ name: string; item: WireItem; bytes: number }>([
    { name: 'the key alone', item: { pk: { S: 'node' }, sk: { S: 'b1' } }, bytes: 2 + 4 + 2 + 2 },
    { name: "a broker's admin map", item: admin, bytes: 5 + 3 + (5 + 6 + 1) + (5 + 24 + 1) },
    { name: 'a counter', item: { version: { N: '12' } }, bytes: 7 + 2 },
    { name: 'no attributes', item: {}, bytes: 0 },
  ])('sums names and values: $name', ({ item, bytes }) => {
    expect(itemBytes(item)).toBe(bytes);
  });
});

describe('nameBytes', () => {
  it('counts the names of the item and of the maps inside it, and nothing else', () => {
    expect(nameBytes({ pk: { S: 'node' }, ...admin })).toBe(2 + 5 + 5 + 5);
  });
});

describe('attributeBytes', () => {
  it('lists each attribute with its name and value bytes, largest first', () => {
    expect(attributeBytes({ sk: { S: 'b1' }, pk: { S: 'node' }, ...admin })).toEqual([
      { name: 'admin', bytes: 50 },
      { name: 'pk', bytes: 6 },
      { name: 'sk', bytes: 4 },
    ]);
  });
});
