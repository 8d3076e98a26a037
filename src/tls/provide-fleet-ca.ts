import { type FleetCa, readFleetCa, serializeFleetCa } from './fleet-ca.js';
import type { FleetCaStore } from './fleet-ca-store.js';
import { type FleetCaOptions, generateFleetCa } from './generate-fleet-ca.js';

export type ProvidedFleetCa =
  | { readonly outcome: 'reused'; readonly ca: FleetCa }
  | { readonly outcome: 'generated'; readonly ca: FleetCa; readonly replaced: string };

/**
 * The fleet CA in `store`: the one already there when it is usable (a CA kept
 * from an earlier deployment), else a new one, generated and written.
 * `replaced` says why the old value was not usable (e.g. the placeholder).
 *
 * @example const { ca, outcome } = await provideFleetCa(store, { now: new Date() }); // outcome 'generated' the first time, 'reused' after
 */
export async function provideFleetCa(
  store: FleetCaStore,
  options: FleetCaOptions,
): Promise<ProvidedFleetCa> {
  const current = readFleetCa(await store.read(), options.now);
  if (current.ok) return { outcome: 'reused', ca: current.ca };
  const ca = generateFleetCa(options);
  await store.write(serializeFleetCa(ca));
  return { outcome: 'generated', ca, replaced: current.reason };
}
