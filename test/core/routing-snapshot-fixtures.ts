/** Routing nodes and a write time shared by the snapshot encoding's tests. */
import type { RoutingNode } from '../../src/core/routing-snapshot.js';

export const WRITTEN_AT = '2026-12-07T16:00:05.000Z';

/** A healthy, active broker probed 5 s before `WRITTEN_AT`, in zone `az` when given. */
export const healthy = (id: string, az?: string): RoutingNode => ({
  id,
  endpoint: `amqps://${id}.warren.internal:5671`,
  ...(az && { az }),
  admin: 'active',
  health: 'healthy',
  latencyMs: 2.53,
  lastProbeAt: '2026-12-07T16:00:00.000Z',
});
