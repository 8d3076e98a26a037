/** Broker ids are short, stable and safe in URLs, logs and RabbitMQ node names. */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class InvalidNodeIdError extends Error {
  readonly input: string;
  constructor(input: string) {
    super(
      `invalid broker id ${JSON.stringify(input)}: use 1-63 lowercase letters, digits and dashes`,
    );
    this.name = 'InvalidNodeIdError';
    this.input = input;
  }
}

/** @example assertNodeId('b1') // ok; assertNodeId('B 1') throws InvalidNodeIdError */
export function assertNodeId(input: string): string {
  if (!NODE_ID_PATTERN.test(input)) throw new InvalidNodeIdError(input);
  return input;
}
