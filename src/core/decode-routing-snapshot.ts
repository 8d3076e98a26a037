import { brotliDecompressSync } from 'node:zlib';
import {
  ADMIN_CODES,
  HEALTH_CODES,
  ROUTING_SNAPSHOT_FORMAT,
  type RoutingNode,
  type RoutingSnapshot,
} from './routing-snapshot.js';

export type RoutingSnapshotResult =
  | { readonly ok: true; readonly snapshot: RoutingSnapshot }
  | { readonly ok: false; readonly reason: string };

/**
 * A snapshot decompresses to far less than this (56 KB at 1 000 brokers);
 * the cap keeps a hostile or corrupt item from inflating without bound.
 */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;

const ADMIN_BY_CODE = invert(ADMIN_CODES);
const HEALTH_BY_CODE = invert(HEALTH_CODES);

/**
 * Reads a snapshot's bytes back. A registry item is external input: bytes
 * that do not decompress, a foreign format or a column that does not fit are
 * reported with a reason, never thrown, so the reader can fall back to the
 * broker items.
 *
 * @example
 * const result = decodeRoutingSnapshot(item.d);
 * if (!result.ok) log.warn('snapshot rejected', { reason: result.reason });
 */
export function decodeRoutingSnapshot(bytes: Uint8Array): RoutingSnapshotResult {
  let text: string;
  try {
    text = brotliDecompressSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }).toString('utf8');
  } catch (error) {
    return { ok: false, reason: `not brotli-compressed: ${(error as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  try {
    return { ok: true, snapshot: fromColumns(parsed) };
  } catch (error) {
    if (error instanceof SnapshotShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** A column or field that does not fit the format: caught inside this module, reported as a reason. */
class SnapshotShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotShapeError';
  }
}

function fromColumns(value: unknown): RoutingSnapshot {
  if (!isRecord(value)) throw new SnapshotShapeError('not an object');
  if (value.f !== ROUTING_SNAPSHOT_FORMAT) {
    throw new SnapshotShapeError(
      `format ${JSON.stringify(value.f)}, not ${ROUTING_SNAPSHOT_FORMAT}`,
    );
  }
  const sequence = value.q;
  const t = value.t;
  if (!Number.isSafeInteger(sequence) || (sequence as number) < 1)
    throw new SnapshotShapeError('q (sequence) must be a whole number >= 1');
  if (!Number.isSafeInteger(t)) throw new SnapshotShapeError('t (written at) must be whole ms');
  const writtenAtMs = t as number;
  const zones = stringArray(value, 'z');
  const ids = stringArray(value, 'id');
  const count = ids.length;
  if (new Set(ids).size !== count) throw new SnapshotShapeError('id lists a broker twice');
  const endpoints = sized(stringArray(value, 'ep'), 'ep', count);
  const azs = sized(integerArray(value, 'az', false), 'az', count);
  const admin = sized([...stringField(value, 'a')], 'a', count);
  const health = sized([...stringField(value, 'h')], 'h', count);
  const latencies = sized(integerArray(value, 'l', true), 'l', count);
  const probed = sized(integerArray(value, 'p', true), 'p', count);
  const registered = sized(integerArray(value, 'r', true), 'r', count);
  const outliers = sized(integerArray(value, 'o', true), 'o', count);
  const at = (before: number | null) =>
    before === null ? undefined : new Date(writtenAtMs - before).toISOString();

  const nodes = ids.map((id, i): RoutingNode => {
    const zone = azs[i] as number;
    if (zone < -1 || zone >= zones.length) throw new SnapshotShapeError(`az[${i}] names no zone`);
    const adminState = ADMIN_BY_CODE.get(admin[i] as string);
    const healthState = HEALTH_BY_CODE.get(health[i] as string);
    if (!adminState) throw new SnapshotShapeError(`a[${i}] is no admin state`);
    if (!healthState) throw new SnapshotShapeError(`h[${i}] is no health state`);
    const latency = latencies[i] as number | null;
    if (latency !== null && latency < 0) throw new SnapshotShapeError(`l[${i}] is negative`);
    const lastProbeAt = at(probed[i] as number | null);
    const registeredAt = at(registered[i] as number | null);
    if (lastProbeAt === undefined && registeredAt === undefined)
      throw new SnapshotShapeError(`broker ${id} has neither a last probe nor a registration time`);
    const outlierReportedAt = at(outliers[i] as number | null);
    return {
      id,
      endpoint: endpoints[i] as string,
      ...(zone >= 0 && { az: zones[zone] as string }),
      admin: adminState,
      health: healthState,
      ...(latency !== null && { latencyMs: latency / 100 }),
      ...(lastProbeAt !== undefined && { lastProbeAt }),
      ...(registeredAt !== undefined && { registeredAt }),
      ...(outlierReportedAt !== undefined && { outlierReportedAt }),
    };
  });
  return { sequence: sequence as number, writtenAt: new Date(writtenAtMs).toISOString(), nodes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: Record<string, unknown>, name: string): string {
  const field = value[name];
  if (typeof field !== 'string') throw new SnapshotShapeError(`${name} must be a string`);
  return field;
}

function stringArray(value: Record<string, unknown>, name: string): string[] {
  const field = value[name];
  if (!Array.isArray(field) || !field.every((entry) => typeof entry === 'string' && entry !== ''))
    throw new SnapshotShapeError(`${name} must be a list of non-empty strings`);
  return field as string[];
}

function integerArray(
  value: Record<string, unknown>,
  name: string,
  nullable: boolean,
): (number | null)[] {
  const field = value[name];
  const fits = (entry: unknown) => Number.isSafeInteger(entry) || (nullable && entry === null);
  if (!Array.isArray(field) || !field.every(fits)) {
    throw new SnapshotShapeError(
      `${name} must be a list of whole numbers${nullable ? ' or nulls' : ''}`,
    );
  }
  return field as (number | null)[];
}

function sized<T>(column: readonly T[], name: string, count: number): readonly T[] {
  if (column.length !== count)
    throw new SnapshotShapeError(`${name} has ${column.length} entries for ${count} brokers`);
  return column;
}

function invert<K extends string>(codes: Readonly<Record<K, string>>): Map<string, K> {
  return new Map(Object.entries(codes).map(([state, code]) => [code as string, state as K]));
}
