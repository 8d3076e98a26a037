import type { RoutingSnapshot } from '../core/routing-snapshot.js';

/** What reading one snapshot copy found. */
export type SnapshotRead =
  | { readonly kind: 'found'; readonly copy: number; readonly snapshot: RoutingSnapshot }
  /** No snapshot yet: a fresh table, or a registry nothing has published to. */
  | { readonly kind: 'missing'; readonly copy: number }
  /** An item that does not decode as a snapshot (corrupt, foreign, a newer format). */
  | { readonly kind: 'rejected'; readonly copy: number; readonly reason: string };

/** What one publication did. */
export interface SnapshotPublication {
  readonly sequence: number;
  readonly brokers: number;
  /** The encoded snapshot's bytes (the item adds its key and a few attributes). */
  readonly bytes: number;
  /** Copies this publication wrote. */
  readonly written: number;
  /** Copies that already held a newer snapshot (a later publication won the race): not an error. */
  readonly superseded: number;
}

/**
 * The fleet snapshot publishers route on: the broker items' routing fields in
 * one compact item, kept in `copies` copies under different partition keys.
 * Whoever changes broker items publishes after writing (the prober once a
 * round, operators' commands after each change); publishers read one copy.
 */
export interface FleetSnapshots {
  /** Copies written by `publish`; a reader picks one of `0 … copies − 1`. */
  readonly copies: number;
  /**
   * Takes a sequence from the registry's counter, then reads the broker items
   * (strongly consistent), then writes each copy unless it already holds a
   * higher sequence. Throws RegistryUnavailableError when DynamoDB fails.
   */
  publish(now: Date): Promise<SnapshotPublication>;
  /** One GetItem of copy `copy`. Throws RegistryUnavailableError when DynamoDB fails. */
  read(copy: number): Promise<SnapshotRead>;
}
