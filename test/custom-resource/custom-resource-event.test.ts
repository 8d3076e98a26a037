import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidPropertiesError,
  parseResourceProperties,
  unknownRequest,
} from '../../src/custom-resource/custom-resource-event.js';

const properties = z.strictObject({
  ServiceToken: z.string().optional(),
  Name: z.string().min(1),
  Size: z.coerce.number().int().default(3),
});

describe('parseResourceProperties', () => {
  it('returns the properties as the schema reads them', () => {
    expect(parseResourceProperties(properties, { Name: 'alpha', Size: '5' })).toEqual({
      Name: 'alpha',
      Size: 5,
    });
  });

  it('names every invalid or unknown property without echoing a value', () => {
    const parse = () =>
      parseResourceProperties(properties, { Name: '', Size: 'hunter2-secret', Colour: 'red' });

    expect(parse).toThrow(InvalidPropertiesError);
    expect(parse).toThrow(/^invalid ResourceProperties: /);
    for (const field of [/Name: /, /Size: /, /Colour/]) expect(parse).toThrow(field);
    expect(parse).not.toThrow(/hunter2-secret/);
  });
});

describe('unknownRequest', () => {
  it('fails a request type CloudFormation never sends, naming it', () => {
    const event = { RequestType: 'Destroy' } as unknown as never;

    expect(() => unknownRequest(event)).toThrow('unknown custom resource RequestType "Destroy"');
  });
});
