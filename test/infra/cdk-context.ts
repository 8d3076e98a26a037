import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app.js';

/** The repository root, where `cdk.json` and `infra/` live. */
export const REPO_ROOT = new URL('../../', import.meta.url);

/**
 * The `context` block of `cdk.json` (feature flags included), so that stacks
 * built in tests synthesize exactly as `cdk synth` builds them.
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

/**
 * The warren app as `cdk synth` builds it, with `context` on top of `cdk.json`'s,
 * but without bundling the functions (esbuild): stack assertions do not need the
 * code, and the bundling itself is tested on its own.
 *
 * @example const template = stackTemplate(buildTestApp(), STACK_IDS.network);
 */
export function buildTestApp(context: Record<string, unknown> = {}): App {
  return buildApp(
    new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } }),
  );
}

/** The synthesized template of one stack of `app`, by construct id. */
export function stackTemplate(app: App, stackId: string): Template {
  return Template.fromStack(app.node.findChild(stackId) as Stack);
}
