/**
 * The size DynamoDB bills an item at, by AWS's published rules ("DynamoDB item
 * sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * an item is the sum of its attribute names' UTF-8 bytes and its values; a
 * string is its UTF-8 bytes; a number is about 1 byte per two significant
 * digits (leading and trailing zeros trimmed) plus 1; binary its raw bytes;
 * null and boolean 1 byte; a map or list 3 bytes plus its elements, each
 * element 1 byte more (and a map element its name too).
 */
/** An attribute value as DynamoDB's JSON protocol carries it (binary as base64). */
export type WireValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: boolean }
  | { readonly M: WireItem }
  | { readonly L: readonly WireValue[] }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };

/** An item as DynamoDB's JSON protocol carries it: `{ pk: { S: 'node' }, ... }`. */
export type WireItem = Readonly<Record<string, WireValue>>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
const raw = (base64: string) => Buffer.from(base64, 'base64').byteLength;

/**
 * A number's bytes from its wire text (`"1765094400123"`, `"-2.50"`, `"1e3"`);
 * zero has no significant digits, so 1 byte. AWS calls the rule approximate: the
 * stored form pairs digits around the decimal point, so e.g. `3.5` and
 * `1765094415000` take a byte more than this (dynalite counts them that way),
 * and a negative sign, which the page does not count, may take one too.
 *
 * @example numberBytes('1765094400123') // 8: 13 significant digits, (13 / 2 rounded up) + 1
 */
export function numberBytes(text: string): number {
  const mantissa = text.replace(/^[-+]/, '').split(/e/i)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

/** One value's bytes, without the name it is stored under. */
export function attributeValueBytes(value: WireValue): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return numberBytes(value.N);
  if ('B' in value) return raw(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('M' in value) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + utf8(name) + attributeValueBytes(element) + 1,
      3,
    );
  }
  if ('L' in value) {
    return value.L.reduce((sum, element) => sum + attributeValueBytes(element) + 1, 3);
  }
  if ('SS' in value) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if ('NS' in value) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if ('BS' in value) return value.BS.reduce((sum, b) => sum + raw(b), 0);
  throw new Error(`unknown attribute value type: ${Object.keys(value).join(', ')}`);
}

/**
 * The billed size of an item as it travels (DynamoDB JSON: `{ pk: { S: 'node' }, ... }`).
 *
 * @example itemBytes({ pk: { S: 'node' }, sk: { S: 'b1' } }) // 2 + 4 + 2 + 2 = 10
 */
export function itemBytes(item: WireItem): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + utf8(name) + attributeValueBytes(value),
    0,
  );
}

/** Each attribute's share of an item (name + value bytes), largest first. */
export function attributeBytes(
  item: WireItem,
): { readonly name: string; readonly bytes: number }[] {
  return Object.entries(item)
    .map(([name, value]) => ({ name, bytes: utf8(name) + attributeValueBytes(value) }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/**
 * How many of an item's bytes are attribute names, its own and those of the
 * maps inside it: a name is stored in every item, not once per table.
 *
 * @example nameBytes({ pk: { S: 'node' }, admin: { M: { state: { S: 'active' } } } }) // 2 + 5 + 5
 */
export function nameBytes(item: WireItem): number {
  const inside = (value: WireValue): number => {
    if ('M' in value) return nameBytes(value.M);
    if ('L' in value) return value.L.reduce((sum, element) => sum + inside(element), 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + inside(value), 0);
}
