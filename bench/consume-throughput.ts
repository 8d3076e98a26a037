/**
 * Consuming throughput: warren's `createConsumer` over 3 brokers, without and
 * with a DynamoDB dedupe store on the registry's dynalite, against raw amqplib
 * on one broker (the baseline) and on all 3, in the same run.
 *
 *   npx tsx bench/consume-throughput.ts [--reps 5] [--per-broker 10000] [--prefetch 100]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { consumeRun, type Run } from './consume-throughput/consume-run.js';
import { createDedupeTable } from './consume-throughput/dedupe-table.js';
import { printConsumeReport, rateOf } from './consume-throughput/report.js';
import { BROKERS, REPS, TOTAL, values, WARMUP_PER_BROKER } from './consume-throughput/settings.js';
import {
  rawOneVariant,
  rawThreeVariant,
  type Variant,
  warrenVariant,
} from './consume-throughput/variants.js';
import { openBenchFleet } from './support/bench-fleet.js';
import { createBenchRegistry } from './support/bench-registry.js';
import { Cleanups } from './support/cleanups.js';
import { hostFleet } from './support/fleet-host.js';
import { rotated } from './support/samples.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  try {
    console.error('starting a fleet of 3 brokers (child process)...');
    const { fleet, brokers, server, brokerPids } = await openBenchFleet(
      { name: 'consume', mode: 'child', entry: fileURLToPath(import.meta.url) },
      cleanups,
    );
    // warren's consumer reads its brokers from a fresh registry table in the fleet's dynalite.
    const registry = await createBenchRegistry(fleet, 'consume', cleanups);

    const rawOne = rawOneVariant(brokers);
    const rawThree = rawThreeVariant(brokers);
    const warren = warrenVariant(registry);
    const warrenDedupe = warrenVariant(registry, await createDedupeTable(fleet, cleanups));
    const variants: Variant[] = [rawOne, warren, warrenDedupe, rawThree];

    console.error('warming up...');
    for (const variant of variants)
      await consumeRun(variant, 0, BROKERS * WARMUP_PER_BROKER, brokers, brokerPids);

    const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
    const loadBefore = loadavg();
    for (let rep = 0; rep < REPS; rep++) {
      const order = rotated(variants, rep);
      for (const variant of order) {
        const run = await consumeRun(variant, rep, TOTAL, brokers, brokerPids);
        runs.get(variant)?.push(run);
      }
      console.error(
        `rep ${rep + 1}/${REPS}: ` +
          order
            .map((v) => {
              const run = runs.get(v)?.at(-1);
              return `${v.name} ${run ? Math.round(rateOf(run)) : '?'} msg/s`;
            })
            .join(', '),
      );
    }
    const loadAfter = loadavg();

    printConsumeReport({
      server,
      loadBefore,
      loadAfter,
      rawOne,
      warren,
      warrenDedupe,
      rawThree,
      variants,
      runs,
    });
  } finally {
    await cleanups.run();
  }
}

if (values['fleet-host']) await hostFleet(values['fleet-host']);
else await main();
