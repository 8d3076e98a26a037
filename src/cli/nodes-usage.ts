/** Help text of `warren nodes`, printed with every usage error. */
export const NODES_USAGE = `Usage: warren nodes <command> [options]

Shows the brokers in the health registry and changes their admin state.

Commands:
  list                        every broker: endpoint, health, admin state, last probe, latency
  register <id> <amqp-url>    add a broker (admin active, health initial), or update an existing
                              one's endpoint (and labels, when given), leaving its health and
                              admin state alone
  drain <id>                  set admin state draining
  undrain <id>                set admin state active
  maintenance <id>            set admin state maintenance
  retire <id>                 set admin state retired

Options:
  --json                      list: print {"nodes": [...], "rejected": [...]} as one JSON document
  --queue NAME                list: also each broker's ready messages in NAME (e.g. while draining)
  --ca-file PATH              list --queue: PEM CA certificate that amqps:// brokers' certificates
                              chain to (default $WARREN_AMQP_CA_CERT, else Node's public roots)
  --probe-interval-ms MS      list: the prober's interval, for STALE (default: the local fleet's,
                              else $WARREN_PROBE_INTERVAL_MS, else 15000)
  --management-url URL        register: the broker's management API, http(s)://host:port
  --az AZ                     register: the broker's availability zone
  --label KEY=VALUE           register: a label; repeat for more
  --data-dir DIR              use the local fleet running in DIR (default .warren; see npm start)
  --table NAME                use this DynamoDB table instead (default $WARREN_REGISTRY_TABLE),
                              with the AWS SDK's own region and credentials
  --endpoint URL              with a table: a DynamoDB-compatible server such as dynalite or
                              DynamoDB Local (placeholder credentials); for AWS leave it out
  -h, --help                  show this help

URLs carry no credentials: the registry never stores them.`;
