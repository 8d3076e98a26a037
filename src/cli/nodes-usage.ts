/** The registry options every `warren nodes` command takes, as its usage lists them. */
const REGISTRY_OPTIONS = `  --data-dir DIR            use the local fleet running in DIR (default .warren; see npm start)
  --table NAME              use this DynamoDB table instead (default $WARREN_REGISTRY_TABLE),
                            with the AWS SDK's own region and credentials
  --endpoint URL            with a table: a DynamoDB-compatible server such as dynalite or
                            DynamoDB Local (placeholder credentials); for AWS leave it out
  -h, --help                show this help`;

/** The JSON form of a broker in every `--json` output: what GET /v1/nodes shows. */
const NODE_SHAPE = `NODE is a broker as GET /v1/nodes shows it (null where unknown):
  {"id", "endpoint", "managementEndpoint", "az", "labels",
   "health": {"state", "since", "reason"}, "admin": {"state", "since"}, "stale",
   "lastProbeAt", "latencyMs", "consecutiveFailures", "consecutiveSuccesses",
   "flapCount", "holdDownUntil", "outlierReportedAt", "registeredAt"}`;

/** Help text of `warren nodes`: its commands; each has its own (`nodesUsage`). */
export const NODES_USAGE = `Usage: warren nodes <command> [options]

Shows the brokers in the health registry and changes their admin state.

Commands:
  list                      every broker: endpoint, health, admin state, last probe, latency
  register <id> <amqp-url>  add a broker, or update an existing one's endpoint
  drain <id>                set admin state draining: no longer chosen for publishing
  undrain <id>              set admin state active again
  maintenance <id>          set admin state maintenance: not chosen, still probed
  retire <id>               set admin state retired: not chosen, no longer probed

Every command takes --json and the registry options (--data-dir, --table,
--endpoint). Run "warren nodes <command> --help" for its options.`;

const LIST_USAGE = `Usage: warren nodes list [options]

Lists every broker in the registry: endpoint, health (with its reason when not
healthy), admin state, last-probe age, latency, and STALE when the prober has
missed 3 intervals.

Options:
  --json                    print one JSON document instead of the table (below)
  --queue NAME              also each broker's ready messages in NAME (e.g. while
                            draining): "no queue" where a broker has no such queue, "?"
                            where it did not answer in 2 s, each also said on stderr;
                            exit 1 when no broker has the queue
  --ca-file PATH            with --queue: PEM CA certificate that amqps:// brokers'
                            certificates chain to (default $WARREN_AMQP_CA_CERT, else
                            Node's public roots)
  --probe-interval-ms MS    the prober's interval, for STALE (default: the local fleet's,
                            else $WARREN_PROBE_INTERVAL_MS, else 15000)
${REGISTRY_OPTIONS}

With --json: {"nodes": [NODE, ...], "rejected": [{"key", "reason"}, ...], "depths"}
where "depths", only with --queue, is {"queue", "byNode": {"b1": 4, "b2": null, ...},
"missingOn": ["b2", ...]}: null for a broker without the queue (listed in missingOn)
or that did not answer.

${NODE_SHAPE}`;

const REGISTER_USAGE = `Usage: warren nodes register <id> <amqp-url> [options]

Adds a broker to the registry (admin active, health initial), or updates an
existing one's endpoint (and labels, when given), leaving its health and admin
state alone. Prints "<id>: created, endpoint <url>" (or "updated").

Options:
  --management-url URL      the broker's management API, https://host:port (http:// only
                            to a loopback host)
  --az AZ                   the broker's availability zone
  --label KEY=VALUE         a label; repeat for more
  --json                    print {"outcome": "created" | "updated", "node": NODE}
${REGISTRY_OPTIONS}

URLs carry no credentials: the registry never stores them.

${NODE_SHAPE}`;

const ADMIN_EFFECT = {
  drain: ['draining', 'publishers no longer choose it; it keeps its health and is still probed'],
  undrain: ['active', 'publishers may choose it again'],
  maintenance: ['maintenance', 'publishers no longer choose it; it is still probed'],
  retire: ['retired', 'publishers no longer choose it, consumers leave it, the prober stops'],
} as const;

/** A `warren nodes` command that sets an admin state. */
export type AdminCommandName = keyof typeof ADMIN_EFFECT;

function adminUsage(command: AdminCommandName): string {
  const [state, effect] = ADMIN_EFFECT[command];
  return `Usage: warren nodes ${command} <id> [options]

Sets broker <id>'s admin state to ${state}:
${effect}.
Prints "<id>: admin state ${state}".

Options:
  --json                    print {"node": NODE}, the broker after the change
${REGISTRY_OPTIONS}

${NODE_SHAPE}`;
}

/**
 * The help text of one `warren nodes` command, or of `warren nodes` itself.
 *
 * @example nodesUsage('drain') // 'Usage: warren nodes drain <id> [options]\n…'
 */
export function nodesUsage(command?: 'list' | 'register' | AdminCommandName): string {
  switch (command) {
    case undefined:
      return NODES_USAGE;
    case 'list':
      return LIST_USAGE;
    case 'register':
      return REGISTER_USAGE;
    default:
      return adminUsage(command);
  }
}
