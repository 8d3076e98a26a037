import type { Metrics } from '@aws-lambda-powertools/metrics';

/** One CloudWatch metric value as the prober's and the publisher's mappings produce it. */
export interface MetricValue {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/**
 * Adds `entries` to Powertools `metrics`. Powertools applies dimensions to a
 * whole EMF record, so a dimensioned value goes out at once as a record of its
 * own; the rest wait for the caller's `publishStoredMetrics()`.
 *
 * @example addMetricEntries(metrics, roundMetrics(summary));
 */
export function addMetricEntries(metrics: Metrics, entries: readonly MetricValue[]): void {
  for (const { name, unit, value, dimensions } of entries) {
    if (!dimensions) {
      metrics.addMetric(name, unit, value);
      continue;
    }
    const single = metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, unit, value);
  }
}
