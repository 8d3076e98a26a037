/**
 * Publishing throughput and single-message latency: warren's `publish()` and its
 * HTTP API against raw amqplib on the same 3-broker fleet, in the same run.
 *
 *   npx tsx bench/publish-throughput.ts [--path library|http|both] [--reps 7]
 *     [--messages 20000] [--batch 100] [--in-flight 4] [--latency-samples 1000]
 *     [--fleet child|in-process] [--replicas 1,2] [--references]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOCAL_CREDENTIALS } from '../src/fleet/local-brokers.js';
import { runProbeRound } from '../src/prober/probe-round.js';
import { createProberService } from '../src/service/create-prober-service.js';
import { createPublishService } from '../src/service/create-publish-service.js';
import { fairRawVariant } from './publish-throughput/fair-raw-variant.js';
import { printPublishReport } from './publish-throughput/report.js';
import {
  FLEET_MODE,
  LATENCY_BUDGET_MS,
  LATENCY_SAMPLES,
  MESSAGES,
  PATH,
  REFERENCES,
  REPLICAS,
  REPS,
  values,
  WARMUP_MESSAGES,
  WARMUP_SAMPLES,
} from './publish-throughput/settings.js';
import { purge, type Run, throughputRun } from './publish-throughput/throughput-run.js';
import {
  bareHttpProbe,
  httpFloorProbe,
  httpVariant,
  type LatencyProbe,
  libraryVariant,
  rawVariant,
  referenceProbe,
  type Variant,
} from './publish-throughput/variants.js';
import { hostApi, startApiChild } from './support/api-host.js';
import { openBenchFleet } from './support/bench-fleet.js';
import { createBenchRegistry } from './support/bench-registry.js';
import { Cleanups } from './support/cleanups.js';
import { hostFleet } from './support/fleet-host.js';
import { createHttpPublishClient } from './support/http-publish-client.js';
import { within } from './support/measure.js';
import { rotated } from './support/samples.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let returned = 0;

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  try {
    console.error(`starting a fleet of 3 brokers (${FLEET_MODE})...`);
    const { fleet, brokers, server, brokerPids } = await openBenchFleet(
      {
        name: 'publish',
        mode: FLEET_MODE,
        entry: fileURLToPath(import.meta.url),
        onReturn: () => {
          returned += 1;
        },
      },
      cleanups,
    );
    await purge(brokers);

    // The in-process publisher: a fresh registry table on the fleet's dynalite, the
    // brokers registered and probed healthy (as test/support/publishing.ts does).
    const registry = await createBenchRegistry(fleet, 'publish', cleanups);
    // Probed again (untimed) before each repetition, so 3 x 60 s never passes without a probe.
    const probeIntervalMs = 60_000;
    const credentialsFor = async () => LOCAL_CREDENTIALS;
    const prober = createProberService({ probeIntervalMs }, { registry, credentialsFor });
    const probe = () => runProbeRound({ registry, probe: prober.probe, refreshAfterMs: 0 });
    const firstRound = await probe();
    if (firstRound.eligible !== fleet.brokers.length)
      throw new Error(`only ${firstRound.eligible} brokers eligible after probing`);
    // The Lambda's assembly and settings (cache TTL, deadline, attempt timeout).
    const service = createPublishService({ probeIntervalMs }, { registry, credentialsFor });
    cleanups.add(() => service.close());
    const { publisher } = service;

    // The HTTP variants talk to an API process of their own, composed as the Lambda is.
    const api = await startApiChild(fileURLToPath(import.meta.url), fleet);
    cleanups.add(() => api.stop());
    const http = createHttpPublishClient(api.apiUrl);
    cleanups.add(async () => http.close());
    const raw = rawVariant(brokers);
    const fair = fairRawVariant(brokers);
    const variants: Variant[] = [raw, fair];
    for (const replicas of REPLICAS) {
      if (replicas > 1) variants.push(rawVariant(brokers, replicas));
      if (PATH !== 'http') variants.push(libraryVariant(publisher, replicas));
      if (PATH !== 'library') variants.push(httpVariant(http, replicas));
    }
    const probes: LatencyProbe[] = [...variants];
    if (PATH !== 'library') {
      probes.push(httpFloorProbe(http), bareHttpProbe(http, api.bareHttpUrl));
      const references = api.referenceUrls;
      if (REFERENCES && references)
        probes.push(
          referenceProbe(http, 'reference node:http', references.node),
          referenceProbe(http, 'reference Hono', references.hono),
        );
    }

    // Warm-up: connections opened, code compiled, registry cached; not counted.
    console.error('warming up...');
    for (const variant of variants)
      await throughputRun(
        variant,
        `warm-${variant.name}`,
        WARMUP_MESSAGES,
        brokers,
        api,
        brokerPids,
      );
    for (const variant of probes)
      for (let i = 0; i < WARMUP_SAMPLES; i++) await variant.single('warm', i);
    await purge(brokers);

    const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
    const loadBefore = loadavg();
    for (let rep = 0; rep < REPS; rep++) {
      await probe();
      const order = rotated(variants, rep);
      for (const variant of order) {
        const run = await throughputRun(variant, `r${rep}`, MESSAGES, brokers, api, brokerPids);
        runs.get(variant)?.push(run);
      }
      console.error(
        `rep ${rep + 1}/${REPS}: ` +
          order
            .map((v) => {
              const run = runs.get(v)?.at(-1);
              return `${v.name} ${run ? Math.round(MESSAGES / (run.ms / 1000)) : '?'} msg/s`;
            })
            .join(', '),
      );
    }

    console.error(`latency: ${LATENCY_SAMPLES} single messages per variant, alternating...`);
    await probe();
    const latencies = new Map<LatencyProbe, number[]>(probes.map((v) => [v, []]));
    const byBroker = new Map<LatencyProbe, Map<string, number[]>>(
      probes.map((v) => [v, new Map()]),
    );
    const latencyDeadline = performance.now() + LATENCY_BUDGET_MS;
    for (let i = 0; i < LATENCY_SAMPLES && performance.now() < latencyDeadline; i++) {
      for (const variant of rotated(probes, i)) {
        const started = performance.now();
        const node = await within(variant.single('lat', i), 10_000);
        const elapsed = performance.now() - started;
        latencies.get(variant)?.push(elapsed);
        const own = byBroker.get(variant);
        const samples = own?.get(node) ?? [];
        samples.push(elapsed);
        own?.set(node, samples);
      }
      if (i % 1_000 === 999) await purge(brokers);
    }
    await purge(brokers);
    const loadAfter = loadavg();

    printPublishReport({
      server,
      loadBefore,
      loadAfter,
      raw,
      fair,
      variants,
      probes,
      runs,
      latencies,
      byBroker,
      returned,
    });
  } finally {
    await cleanups.run();
  }
}

if (values['fleet-host']) await hostFleet(values['fleet-host']);
else if (values['api-host']) await hostApi(values['api-host'], { references: true });
else await main();
