/** One DER TLV: its tag byte, its content, and the whole encoding (tag, length, content). */
export interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
  readonly encoded: Buffer;
}

/** DER tags a certificate request is made of. */
export const DER_TAG = {
  integer: 0x02,
  bitString: 0x03,
  objectIdentifier: 0x06,
  sequence: 0x30,
  /** `[0]` constructed: a CSR's attributes. */
  contextConstructed0: 0xa0,
} as const;

/** Not DER: truncated, indefinite or non-minimal lengths, multi-byte tags. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/**
 * The DER element at `offset` of `buffer`. Strict on lengths (definite,
 * minimal, within the buffer) because the bytes a signature covers must be
 * exactly the bytes read.
 *
 * @example readDerElement(Buffer.from('0500', 'hex')) // { tag: 0x05, content: <>, encoded: <05 00> }
 */
export function readDerElement(buffer: Buffer, offset = 0): DerElement {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError('truncated element');
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used here');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new DerError('indefinite or oversized length');
    length = 0;
    for (let index = 0; index < octets; index++) {
      const octet = buffer[offset + 2 + index];
      if (octet === undefined) throw new DerError('truncated length');
      length = length * 256 + octet;
    }
    if (length < 0x80 || buffer[offset + 2] === 0) throw new DerError('non-minimal length');
    header += octets;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new DerError('element runs past the end');
  return {
    tag,
    content: buffer.subarray(offset + header, end),
    encoded: buffer.subarray(offset, end),
  };
}

/** The elements that make up a constructed element's content, in order. */
export function derChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < element.content.length) {
    const child = readDerElement(element.content, offset);
    children.push(child);
    offset += child.encoded.length;
  }
  return children;
}

/** `buffer` as exactly one element of `tag`, with nothing after it. */
export function readWholeDerElement(buffer: Buffer, tag: number): DerElement {
  const element = readDerElement(buffer);
  if (element.encoded.length !== buffer.length) throw new DerError('trailing bytes');
  if (element.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return element;
}
