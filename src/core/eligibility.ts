import type { BrokerNode } from './broker-node.js';

/**
 * Whether publishers may choose this broker in normal operation: admin
 * `active` and health `healthy` or `degraded` (the spill-over tier). A
 * draining, maintenance or retired broker keeps its health but is never eligible.
 */
export function isEligible(node: Pick<BrokerNode, 'admin' | 'health'>): boolean {
  if (node.admin.state !== 'active') return false;
  switch (node.health.state) {
    case 'healthy':
    case 'degraded':
      return true;
    case 'initial':
    case 'blocked':
    case 'unhealthy':
      return false;
    default: {
      const unknown: never = node.health;
      throw new Error(`unknown health state ${JSON.stringify(unknown)}`);
    }
  }
}
