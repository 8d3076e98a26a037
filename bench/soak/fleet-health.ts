/** Waits for the fleet to be whole again, as the publisher sees it through `GET /v1/nodes`. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeView } from '../../src/http/node-view.js';

/** Long enough for a restart plus a flapping broker's first hold-down (30 s). */
const HEALTHY_TIMEOUT_MS = 180_000;

/** Resolves with how long it took until every broker read healthy and fresh; throws after the timeout. */
export async function waitAllHealthy(apiUrl: string, count: number): Promise<number> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < HEALTHY_TIMEOUT_MS) {
    const response = await fetch(`${apiUrl}/v1/nodes`).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      | { nodes?: NodeView[] }
      | undefined;
    const nodes = body?.nodes ?? [];
    last = nodes
      .map((node) => `${node.id} ${node.health.state}${node.stale ? ' stale' : ''}`)
      .join(', ');
    if (nodes.length === count && nodes.every((n) => n.health.state === 'healthy' && !n.stale))
      return Date.now() - started;
    await sleep(500);
  }
  throw new Error(`the fleet is not healthy after ${HEALTHY_TIMEOUT_MS / 1000} s: ${last}`);
}
