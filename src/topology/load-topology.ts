import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import defaultDefinitions from './default-topology.json' with { type: 'json' };
import { type Topology, topologySchema } from './topology.js';

/**
 * A topology file or document that cannot be used; `message` lists the problems
 * found (field errors first: references are checked once the fields are valid).
 */
export class TopologyError extends Error {
  readonly source: string;
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`topology ${source}: ${message}`, options);
    this.name = 'TopologyError';
    this.source = source;
  }
}

/**
 * Validates a definitions document. Unknown top-level keys of a full
 * `export_definitions` file (users, vhosts, policies, …) are ignored.
 *
 * @example parseTopology(JSON.parse(text), 'topology.json').queues.map((q) => q.name)
 */
export function parseTopology(document: unknown, source = 'document'): Topology {
  const result = topologySchema.safeParse(document);
  if (!result.success) throw new TopologyError(source, z.prettifyError(result.error));
  return result.data;
}

/** Reads and validates a definitions JSON file. */
export async function loadTopology(path: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TopologyError(path, 'cannot be read', { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new TopologyError(path, `is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseTopology(document, path);
}

/** The default topology: durable queue `tasks`, topic exchange `events`, and a dead-letter queue. */
export const defaultTopology: Topology = parseTopology(defaultDefinitions, 'default');
