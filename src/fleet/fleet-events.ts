import type { HealthStateName } from '../core/broker-node.js';
import type { TopologySummary } from '../topology/apply-topology.js';

/** What the local fleet reports as it runs; the CLI renders these, tests can assert on them. */
export type FleetEvent =
  | { readonly type: 'registry-started'; readonly endpoint: string; readonly tableName: string }
  | {
      readonly type: 'broker-starting';
      readonly id: string;
      readonly url: string;
      readonly attempt: number;
    }
  | { readonly type: 'broker-waiting'; readonly ids: readonly string[]; readonly elapsedMs: number }
  | {
      readonly type: 'broker-ready';
      readonly id: string;
      readonly elapsedMs: number;
      readonly restarted: boolean;
    }
  | {
      readonly type: 'broker-exited';
      readonly id: string;
      readonly how: string;
      readonly uptimeMs: number;
    }
  | {
      readonly type: 'broker-restart-scheduled';
      readonly id: string;
      readonly delayMs: number;
      readonly attempt: number;
    }
  | { readonly type: 'broker-restart-failed'; readonly id: string; readonly reason: string }
  | { readonly type: 'topology-applied'; readonly id: string; readonly summary: TopologySummary }
  | { readonly type: 'nodes-registered'; readonly ids: readonly string[] }
  | { readonly type: 'api-listening'; readonly url: string }
  | {
      readonly type: 'health-changed';
      readonly id: string;
      readonly from: HealthStateName;
      readonly to: HealthStateName;
      readonly reason?: string;
    }
  | { readonly type: 'prober-suspects-own-network' }
  | { readonly type: 'prober-error'; readonly reason: string }
  | { readonly type: 'stopping' }
  | { readonly type: 'broker-stopped'; readonly id: string; readonly how: string };

export type FleetEventListener = (event: FleetEvent) => void;
