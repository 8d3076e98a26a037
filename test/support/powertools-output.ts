import { vi } from 'vitest';

/** Silences stdout and stderr and records what is written there (restore with `vi.restoreAllMocks()`). */
export function captureOutput(): void {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

/**
 * Every JSON line written since `captureOutput()`: Powertools writes EMF
 * metrics and logs to stdout (errors to stderr), as Lambda expects.
 */
export function writtenJson(): Record<string, unknown>[] {
  return [process.stdout, process.stderr]
    .flatMap((stream) => vi.mocked(stream.write).mock.calls)
    .flatMap(([chunk]) => String(chunk).split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

/** An EMF record's metric directives; none for a log line. */
export const directives = (record: Record<string, unknown>): EmfDirective[] =>
  (record._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined)?.CloudWatchMetrics ?? [];
