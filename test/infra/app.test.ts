import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_IDS } from '../../infra/build-app.js';
import { cdkJsonContext, REPO_ROOT } from '../../infra/cdk-context.js';

const run = promisify(execFile);

// Runs infra/app.ts as the CDK CLI does (`cdk.json` app command, CDK_OUTDIR and
// CDK_CONTEXT_JSON set), without the CLI itself so the test stays fast and offline.
describe('infra/app.ts', { timeout: 180_000 }, () => {
  let outdir: string;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'warren-cdk-'));
    await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: fileURLToPath(REPO_ROOT),
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(cdkJsonContext()),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('writes a cloud assembly holding every warren stack', () => {
    const assembly = new CloudAssembly(outdir);
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
      [
        STACK_IDS.network,
        STACK_IDS.registry,
        STACK_IDS.service,
        ...['b1', 'b2', 'b3'].map(STACK_IDS.broker),
      ].sort(),
    );
  });

  it('synthesizes every stack without a fixed account or region', () => {
    for (const stack of new CloudAssembly(outdir).stacks) {
      expect(stack.environment.account).toBe('unknown-account');
      expect(stack.environment.region).toBe('unknown-region');
    }
  });
});
