/**
 * A JSON value kept as the bytes it arrived as, its syntax already checked:
 * a publish body on its way from the request to the broker, never built as
 * an object in between. JSON.stringify writes it as the value it holds.
 *
 * @example JSON.stringify(new JsonBytes(Buffer.from('{"a": [1]}'), 2)) // '{"a":[1]}'
 */
export class JsonBytes {
  readonly bytes: Buffer;
  /** How deep containers nest in the value (0 for a scalar). */
  readonly depth: number;
  constructor(bytes: Buffer, depth: number) {
    this.bytes = bytes;
    this.depth = depth;
  }

  /** The value, built from the bytes: what JSON.stringify writes for it. */
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}
