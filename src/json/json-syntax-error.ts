/**
 * Bytes that are not one JSON text (RFC 8259) in UTF-8. `offset`, when
 * known, is the first byte that cannot belong to it (the length when the
 * text stops short).
 *
 * @example throw new JsonSyntaxError('unexpected byte', 17);
 */
export class JsonSyntaxError extends Error {
  readonly offset: number | undefined;
  constructor(reason: string, offset?: number) {
    super(offset === undefined ? reason : `${reason} at offset ${offset}`);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
  }
}
