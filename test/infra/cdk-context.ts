import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app.js';
import { cdkJsonContext } from '../../infra/cdk-context.js';

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
