/**
 * Documents for the publish-document tests, and the reading they are held
 * to: the route's before the one-pass parser, a fatal UTF-8 decode (which
 * drops one leading byte order mark) and JSON.parse.
 */
import { JsonBytes } from '../../src/json/json-bytes.js';

export const bytesOf = (text: string) => Buffer.from(text, 'utf8');

/** JSON.parse of the bytes as the route read them before; throws where it refused them. */
export function oracle(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/** The skeleton with every kept body built from its bytes, as JSON.parse would have built it. */
export function withBodiesBuilt(value: unknown): unknown {
  if (value instanceof JsonBytes) return JSON.parse(value.bytes.toString('utf8'));
  if (Array.isArray(value)) return value.map(withBodiesBuilt);
  if (typeof value !== 'object' || value === null) return value;
  const built: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    Object.defineProperty(built, name, {
      value: withBodiesBuilt(member),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return built;
}

/** Every kept body in the skeleton, in document order. */
export function keptBodies(value: unknown): JsonBytes[] {
  if (value instanceof JsonBytes) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(keptBodies);
}

const request = (messages: string) => `{"queue":"tasks","messages":[${messages}]}`;
const body = (json: string) => request(`{"body":${json}}`);
export const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Valid documents: named, as text or bytes. */
export const VALID: [string, string | Uint8Array][] = [
  ['a minimal request', body('1')],
  [
    'whitespace everywhere',
    ' \n\t\r{ "queue" : "tasks" ,\n "messages" : [ { "id" : "a" , "body" : { "a" : [ 1 , 2 ] } } ] } \r\n',
  ],
  ['a body with inner whitespace', body('  {"a": 1,\n  "b": [ true , null ]}  ')],
  [
    'every escape in a body',
    body('"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\ud83d\\ude00"'),
  ],
  ['an escaped lone surrogate in a body', body('"\\ud800 \\udfff"')],
  [
    'escapes in names and values',
    '{"q\\u0075eue":"t\\u0061sks","m\\u0065ssages":[{"b\\u006fdy":[1],"id":"\\u0061"}]}',
  ],
  ['raw UTF-8 of every length', body('"é 日本 😀"')],
  ['raw UTF-8 in a header', request('{"body":1,"headers":{"名前":"値 😀"}}')],
  ['numbers in every form', body('[0, -0, 1, -1, 10, 1.5, -1.5e10, 1E+2, 1e-2, 0.1, 1.0, 0e0]')],
  [
    'numbers beyond a double',
    body('[123456789012345678901234567890, 1e999, -1e999, 5e-324, 1e-400]'),
  ],
  ['numbers outside a body', '{"replicas":2,"queue":-0.5e1,"messages":[{"body":1,"key":1e999}]}'],
  ['literals', body('[true, false, null]')],
  ['a null body', body('null')],
  ['empty containers as bodies', request('{"body":{}},{"body":[]},{"body":""}')],
  ['nested bodies', body('{"a":{"b":[{"c":[[],{}]}]},"d":"e"}')],
  [
    'many messages',
    request(Array.from({ length: 50 }, (_, i) => `{"id":"m${i}","body":{"n":${i}}}`).join(',')),
  ],
  ['a duplicated name (last wins)', '{"queue":"first","queue":"tasks","messages":[{"body":1}]}'],
  ['a duplicated body (last wins)', request('{"body":[1],"id":"x","body":{"two":2}}')],
  [
    'duplicated messages (last wins)',
    '{"messages":[{"body":1}],"messages":[{"body":2},{"body":3}]}',
  ],
  ['messages, then something else', '{"messages":[{"body":1}],"messages":5}'],
  [
    '__proto__ names',
    '{"__proto__":{"x":1},"messages":[{"__proto__":1,"body":{"__proto__":2},"headers":{"__proto__":"v"}}]}',
  ],
  ['an empty object', '{}'],
  ['an empty batch', request('')],
  ['an empty message', request('{}')],
  ['messages of other kinds', request('1,"a",null,[],{"body":1},[{"body":2}]')],
  ['messages as an object', '{"messages":{"0":{"body":1}}}'],
  ['messages as a string', '{"messages":"[{}]"}'],
  ['null', 'null'],
  ['an array', `[${body('1')}]`],
  ['a string', '"tasks"'],
  ['a number', ' 42 '],
  ['true', 'true'],
  ['a leading byte order mark', `\ufeff${body('1')}`],
  ['a long body string', body(`"${'x'.repeat(5_000)}"`)],
  ['a long body string with escapes', body(`"${'x\\n'.repeat(1_000)}\\u1234"`)],
  ['a long string outside a body', `{"queue":"${'q'.repeat(300)}\\t"}`],
  [
    'an escape early in a long string, and another later',
    `{"queue":"\\\\${'x'.repeat(30)}","messages":[{"body":"\\n","id":"\\u0061"}]}`,
  ],
  ['bytes from a larger buffer', Buffer.from(`xyz${body('{"a":1}')}`).subarray(3)],
];

/** Invalid documents: named, as text or bytes. Each must be refused as JSON.parse refuses it. */
export const INVALID: [string, string | Uint8Array][] = [
  ['nothing', ''],
  ['only whitespace', ' \n\t '],
  ['an opening brace', '{'],
  ['a closing brace', '}'],
  ['a trailing comma in an object', '{"queue":"tasks",}'],
  ['a trailing comma in an array', '{"messages":[{"body":1},]}'],
  ['a leading comma', '{,"queue":"tasks"}'],
  ['two commas', '{"messages":[{"body":1},,{"body":2}]}'],
  ['no comma', '{"messages":[{"body":1} {"body":2}]}'],
  ['no colon', '{"queue" "tasks"}'],
  ['no value', '{"queue":}'],
  ['an unquoted name', '{queue:"tasks"}'],
  ['a number as a name', '{1:"tasks"}'],
  ['single quotes', "{'queue':'tasks'}"],
  ['a leading zero', body('01')],
  ['a negative leading zero', body('-01')],
  ['a plus sign', body('+1')],
  ['no integer part', body('.5')],
  ['no fraction digits', body('1.')],
  ['no exponent digits', body('1e')],
  ['a signed exponent without digits', body('1e+')],
  ['a lone minus', body('-')],
  ['hexadecimal', body('0x10')],
  ['NaN', body('NaN')],
  ['Infinity', body('Infinity')],
  ['-Infinity', body('-Infinity')],
  ['a short literal', body('tru')],
  ['a capitalised literal', body('True')],
  ['undefined', body('undefined')],
  ['an unknown escape', body('"\\x41"')],
  ['an escaped single quote', body('"\\\'"')],
  ['a short \\u escape', body('"\\u12"')],
  ['a \\u escape with a non-hex digit', body('"\\u12G4"')],
  ['a capital \\U escape', body('"\\U0041"')],
  ['a raw control character', body('"a\u0001b"')],
  ['a raw tab in a string', body('"a\tb"')],
  ['a raw newline in a string', '{"queue":"a\nb"}'],
  ['a raw NUL in a long string', body(`"${'x'.repeat(40)}\u0000${'x'.repeat(40)}"`)],
  ['an unterminated string', '{"queue":"tasks}'],
  ['an unterminated long string', body(`"${'x'.repeat(100)}`)],
  ['a string ending in a backslash', body('"abc\\"')],
  ['garbage after the document', `${body('1')} x`],
  ['two documents', `${body('1')}${body('2')}`],
  ['a line comment', `${body('1')} // note`],
  ['a block comment', `/* note */ ${body('1')}`],
  ['a missing closing brace', '{"messages":[{"body":1}]'],
  ['a mismatched bracket', '{"messages":[{"body":1}}'],
  ['a trailing comma in a body', body('[1,]')],
  ['a trailing comma in a body object', body('{"a":1,}')],
  ['a body name without a value', body('{"a"}')],
  ['a number as a body name', body('{1:2}')],
  ['a body cut short', '{"messages":[{"body":{"a":[1,'],
  ['a missing body value', request('{"body":}')],
  ['a vertical tab as whitespace', `{\u000b"queue":"tasks"}`],
  ['a form feed as whitespace', `\u000c${body('1')}`],
  ['a no-break space as whitespace', `{\u00a0"queue":"tasks"}`],
  ['two byte order marks', `\ufeff\ufeff${body('1')}`],
  ['a byte order mark inside', `{ \ufeff"queue":"tasks"}`],
  ['a NUL after the document', `${body('1')}\u0000`],
  ['100 000 unclosed brackets', body('['.repeat(100_000))],
  ['a deep body closed wrongly', body(`${'['.repeat(50_000)}${']'.repeat(49_999)}}`)],
  ['an invalid UTF-8 byte', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  [
    'a lone continuation byte',
    Buffer.concat([bytesOf(body('"a')), Buffer.from([0x80]), bytesOf('"}]}')]),
  ],
  [
    'an overlong "/" (2 bytes)',
    Buffer.concat([bytesOf(body('"')), Buffer.from([0xc0, 0xaf]), bytesOf('"}]}')]),
  ],
  [
    'an overlong "/" (3 bytes)',
    Buffer.concat([bytesOf(body('"')), Buffer.from([0xe0, 0x80, 0xaf]), bytesOf('"}]}')]),
  ],
  [
    'a raw lone surrogate',
    Buffer.concat([bytesOf(body('"')), Buffer.from([0xed, 0xa0, 0x80]), bytesOf('"}]}')]),
  ],
  [
    'a code point over U+10FFFF',
    Buffer.concat([bytesOf(body('"')), Buffer.from([0xf4, 0x90, 0x80, 0x80]), bytesOf('"}]}')]),
  ],
  [
    'a sequence cut short',
    Buffer.concat([bytesOf(body('"')), Buffer.from([0xe2, 0x82]), bytesOf('"}]}')]),
  ],
  [
    'a five-byte sequence',
    Buffer.concat([
      bytesOf(body('"')),
      Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
      bytesOf('"}]}'),
    ]),
  ],
  ['raw UTF-8 outside a string', `{"queue":é}`],
];

/** A document with something at every kind of position, cut at every length by the truncation test. */
export const SAMPLE = `{"queue":"tasks","replicas":2,"messages":[{"id":"a-1","body":{"s":"x\\u00e9\\n","n":-1.5e-3,"t":true,"f":false,"z":null,"a":[1,{"b":[]}]},"headers":{"h":"v"},"key":"k"},{"body":"${'y'.repeat(40)}"}]}`;
