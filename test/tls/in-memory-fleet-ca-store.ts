import type { FleetCaStore } from '../../src/tls/fleet-ca-store.js';

/** A FleetCaStore in memory, recording what was written to it. */
export class InMemoryFleetCaStore implements FleetCaStore {
  value: string | undefined;
  readonly writes: string[] = [];

  constructor(value?: string) {
    this.value = value;
  }

  async read(): Promise<string | undefined> {
    return this.value;
  }

  async write(secretString: string): Promise<void> {
    this.writes.push(secretString);
    this.value = secretString;
  }
}
