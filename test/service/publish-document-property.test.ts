import { describe, expect, it } from 'vitest';
import { JsonSyntaxError } from '../../src/json/json-syntax-error.js';
import { readPublishDocument } from '../../src/service/publish-document.js';
import { keptBodies, oracle, withBodiesBuilt } from './publish-document-corpus.js';
import { DocumentGenerator, seededRandom } from './publish-document-generator.js';

type Reading = { ok: true; value: unknown } | { ok: false };

function readWith(read: (bytes: Buffer) => unknown, bytes: Buffer): Reading {
  try {
    return { ok: true, value: read(bytes) };
  } catch (error) {
    if (read === readPublishDocument) expect(error).toBeInstanceOf(JsonSyntaxError);
    return { ok: false };
  }
}

describe('readPublishDocument against JSON.parse, on generated documents', () => {
  it.each([1, 2, 3, 4])('reads 500 valid documents as JSON.parse does (seed %i)', (seed) => {
    const generate = new DocumentGenerator(seededRandom(seed));

    for (let n = 0; n < 500; n++) {
      const text = generate.document();
      const bytes = Buffer.from(text);
      const document = readPublishDocument(bytes);

      expect(withBodiesBuilt(document), text).toStrictEqual(oracle(bytes));
      for (const { bytes: body } of keptBodies(document)) {
        const kept = body.toString();
        expect(kept.trim(), text).toBe(kept);
        expect(text, 'a kept body is a slice of the document').toContain(kept);
      }
    }
  });

  it.each([5, 6, 7, 8])(
    'refuses a document with one byte changed exactly when JSON.parse does (seed %i)',
    (seed) => {
      const random = seededRandom(seed);
      const generate = new DocumentGenerator(random);
      let refused = 0;

      for (let n = 0; n < 1_500; n++) {
        const bytes = generate.mutate(Buffer.from(generate.document()));
        const expected = readWith(oracle, bytes);
        const actual = readWith(readPublishDocument, bytes);
        const shown = JSON.stringify(bytes.toString('latin1'));

        expect(actual.ok, shown).toBe(expected.ok);
        if (actual.ok && expected.ok)
          expect(withBodiesBuilt(actual.value), shown).toStrictEqual(expected.value);
        if (!expected.ok) refused++;
      }
      // The mutations must mostly break documents, or this test would say little.
      expect(refused).toBeGreaterThan(500);
    },
  );
});
