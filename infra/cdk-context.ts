import { readFileSync } from 'node:fs';

/** The repository root, where `cdk.json` and `infra/` live. */
export const REPO_ROOT = new URL('../', import.meta.url);

/**
 * The `context` block of `cdk.json` (feature flags included), so that apps
 * built outside the CDK CLI (infra tests, the bundle benchmark) synthesize
 * exactly as `cdk synth` builds them.
 *
 * @example
 * const app = new App({ context: cdkJsonContext() });
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(new URL('cdk.json', REPO_ROOT), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) {
    throw new Error('cdk.json has no context block');
  }
  return cdkJson.context as Record<string, unknown>;
}
