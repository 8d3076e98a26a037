/** The steady-throughput phase: a warm-up run of each variant, then interleaved rounds. */
import { rotated } from '../support/samples.js';
import { progress } from './progress.js';
import { MESSAGES, ROUNDS } from './settings.js';
import { type SteadyRun, type SteadyVariant, steadyRun } from './steady-run.js';

const WARMUP_MESSAGES = 1_000;

/**
 * `ROUNDS` rounds of every variant, the order rotated each round so none always
 * runs first; `beforeRound` runs untimed before each (the library's probe round).
 */
export async function runSteadyPhase(
  variants: readonly SteadyVariant[],
  beforeRound: () => Promise<unknown>,
): Promise<Map<SteadyVariant, SteadyRun[]>> {
  progress('warming up...');
  for (const variant of variants) await steadyRun(variant, 'warm', WARMUP_MESSAGES);
  const runs = new Map<SteadyVariant, SteadyRun[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    await beforeRound();
    const order = rotated(variants, round);
    for (const variant of order) {
      runs.get(variant)?.push(await steadyRun(variant, `r${round}`, MESSAGES));
    }
    progress(
      `round ${round + 1}/${ROUNDS}: ` +
        order
          .map((v) => {
            const run = runs.get(v)?.at(-1);
            return `${v.name} ${run ? Math.round(run.accepted / (run.ms / 1000)) : '?'} msg/s`;
          })
          .join(', '),
    );
  }
  return runs;
}
