import { describe, expect, it } from 'vitest';
import { createOutlierDetector } from '../../src/publish/outlier-detector.js';

describe('createOutlierDetector', () => {
  it('ejects a broker at its first failure, reports it once, and lets it back after the ejection', () => {
    const detector = createOutlierDetector({ baseEjectionMs: 1_000, maxEjectionMs: 8_000 });

    expect(detector.failed('b1', 0)).toBe(true);
    expect(detector.failed('b1', 500)).toBe(false);
    expect([...detector.ejected(999)]).toEqual(['b1']);
    expect([...detector.ejected(1_000)]).toEqual([]);
  });

  it('doubles the ejection while the broker keeps failing, up to the maximum, and forgets on success', () => {
    const detector = createOutlierDetector({ baseEjectionMs: 1_000, maxEjectionMs: 3_000 });
    const ejectionAfterStrike = (at: number) => {
      detector.failed('b1', at);
      let t = at;
      while (detector.ejected(t).has('b1')) t += 100;
      return t - at;
    };

    expect([
      ejectionAfterStrike(0),
      ejectionAfterStrike(10_000),
      ejectionAfterStrike(20_000),
    ]).toEqual([1_000, 2_000, 3_000]);
    detector.succeeded('b1');
    expect(ejectionAfterStrike(30_000)).toBe(1_000);
  });
});
