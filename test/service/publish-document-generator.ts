/**
 * Random publish documents for the property tests: every JSON form (numbers
 * in all their shapes, strings with every escape, raw UTF-8, long runs),
 * whitespace anywhere, names duplicated, and documents of the wrong shape.
 * Seeded, so a failure can be run again.
 */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class DocumentGenerator {
  constructor(private readonly random: () => number) {}

  private below(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  private space(): string {
    return this.random() < 0.7 ? '' : this.pick([' ', '\n', '\t', '\r\n  ', '  ']);
  }

  number(): string {
    const sign = this.pick(['', '', '-']);
    const integer = this.random() < 0.3 ? '0' : `${1 + this.below(9)}${this.digits(0, 25)}`;
    const fraction = this.random() < 0.3 ? `.${this.digits(1, 20)}` : '';
    const exponent =
      this.random() < 0.25
        ? `${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.digits(1, 4)}`
        : '';
    return `${sign}${integer}${fraction}${exponent}`;
  }

  private digits(min: number, max: number): string {
    let digits = '';
    const count = min + this.below(max - min + 1);
    for (let i = 0; i < count; i++) digits += String(this.below(10));
    return digits;
  }

  string(): string {
    let text = '"';
    const pieces = this.below(6);
    for (let i = 0; i < pieces; i++) {
      text += this.pick([
        () => this.pick(['a', 'tasks', 'Zoë', '日本', '😀', ' ', '__proto__']),
        () => this.pick(['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t']),
        () => `\\u${this.below(0x10000).toString(16).padStart(4, '0')}`,
        () => this.pick(['\\ud83d\\ude00', '\\uD800', '\\udfff']),
        () => 'x'.repeat(this.below(80)),
      ])();
    }
    return `${text}"`;
  }

  name(): string {
    return this.random() < 0.6
      ? `"${this.pick(['a', 'b', 'id', 'body', 'key', 'headers', '__proto__', 'messages'])}"`
      : this.string();
  }

  value(depth = 0): string {
    const container = depth < 4 ? 0.35 : 0;
    const roll = this.random();
    if (roll < container / 2) return this.array(depth, () => this.value(depth + 1));
    if (roll < container) return this.object(depth, () => [this.name(), this.value(depth + 1)]);
    return this.pick([
      () => this.number(),
      () => this.string(),
      () => this.pick(['true', 'false', 'null']),
    ])();
  }

  private array(_depth: number, element: () => string): string {
    const count = this.below(4);
    const elements = Array.from(
      { length: count },
      () => `${this.space()}${element()}${this.space()}`,
    );
    return `[${elements.join(',') || this.space()}]`;
  }

  private object(_depth: number, member: () => [string, string]): string {
    const count = this.below(4);
    const members = Array.from({ length: count }, () => {
      const [name, value] = member();
      return `${this.space()}${name}${this.space()}:${this.space()}${value}${this.space()}`;
    });
    return `{${members.join(',') || this.space()}}`;
  }

  message(): string {
    if (this.random() < 0.1) return this.value(2);
    return this.object(1, () =>
      this.pick<() => [string, string]>([
        () => ['"body"', this.value(1)],
        () => ['"body"', this.value(1)],
        () => ['"id"', this.random() < 0.8 ? this.string() : this.value(3)],
        () => ['"headers"', this.value(2)],
        () => ['"key"', this.string()],
        () => [this.name(), this.value(3)],
      ])(),
    );
  }

  /** A whole document: nearly always an object with `messages`, sometimes something else. */
  document(): string {
    if (this.random() < 0.05) return `${this.space()}${this.value()}${this.space()}`;
    const members: [string, string][] = [['"queue"', this.string()]];
    const messageCount = this.below(5);
    members.push([
      '"messages"',
      this.random() < 0.9
        ? `[${Array.from({ length: messageCount }, () => `${this.space()}${this.message()}${this.space()}`).join(',')}]`
        : this.value(1),
    ]);
    if (this.random() < 0.2) members.push([this.name(), this.value(1)]);
    if (this.random() < 0.1) members.push(['"messages"', `[${this.message()}]`]);
    const text = members
      .map(
        ([name, value]) =>
          `${this.space()}${name}${this.space()}:${this.space()}${value}${this.space()}`,
      )
      .join(',');
    return `${this.space()}{${text}}${this.space()}`;
  }

  /** `bytes` with one byte inserted, deleted or replaced, from the bytes that matter to JSON. */
  mutate(bytes: Buffer): Buffer {
    const at = this.below(bytes.length + 1);
    const byte = this.pick(MUTATION_BYTES);
    const roll = this.random();
    if (roll < 0.33 || at === bytes.length)
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
    if (roll < 0.66) return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    const mutated = Buffer.from(bytes);
    mutated[at] = byte;
    return mutated;
  }
}

const MUTATION_BYTES = [
  ...Buffer.from('{}[],:"\\ \t\n0123456789eE.+-tfnrulax/'),
  0x00,
  0x01,
  0x1f,
  0x0b,
  0x7f,
  0x80,
  0xbf,
  0xc3,
  0xed,
  0xf0,
  0xff,
];
