/** Help text of `warren dev`. */
export const DEV_USAGE = `Usage: warren dev [options]

Runs a local warren fleet: real, independent rabbitmq-server brokers, an
embedded DynamoDB-compatible registry and the HTTP API on 127.0.0.1, until
Ctrl-C or SIGTERM stops everything it started. It logs a line per event. A
broker whose health keeps changing between healthy and degraded (a busy
machine's probe latency around 250 ms) gets two lines, then one summary a
minute until it settles: "b2 health flapped healthy ↔ degraded 7 more times
in 60 s; now degraded (…)". Any other health change is always logged.

Options:
  --nodes N          brokers to start (1-20, default 3)
  --port P           HTTP API port on 127.0.0.1 (default 8080; 0 picks a free one)
  --data-dir DIR     broker data, logs and fleet.json (default .warren); refused while
                     another warren runs a fleet there
  --brokers URLS     comma-separated amqp:// URLs of brokers you run; starts none
  --topology FILE    RabbitMQ definitions JSON to declare (default: tasks, events, dead letters)
  --replicas N       distinct brokers that must confirm each message (1-3, default 1;
                     a request's "replicas" overrides it)
  --json             log JSON lines instead, every event as it happens (none summarised)
  -h, --help         show this help

With --json each line is {"time": ISO 8601, "type", ...} and type is one of:
  fleet-starting {"brokers", "existing", "dataDir", "replicas"}
  fleet-ready {"apiUrl", "readyMs", "brokers": [id, ...]}
  fleet-stopped, fleet-exiting {"signal"} (a second signal: not waiting for brokers)
  registry-started {"endpoint", "tableName"}    nodes-registered {"ids"}
  broker-starting {"id", "url", "attempt"}      broker-waiting {"ids", "elapsedMs"}
  broker-ready {"id", "elapsedMs", "restarted"} broker-exited {"id", "how", "uptimeMs"}
  broker-restart-scheduled {"id", "delayMs", "attempt"}
  broker-restart-failed {"id", "reason"}        broker-stopped {"id", "how"}
  topology-applied {"id", "summary": {"exchanges", "queues", "bindings",
                 "converted": [{"queue", "from", "to"}], "kept": [{"queue", "from",
                 "to", "messages", "consumers"}]}} (queues held as another type)
  api-listening {"url"}                         stopping
  health-changed {"id", "from", "to", "reason"?} (initial, healthy, degraded,
                 blocked, unhealthy)
  prober-suspects-own-network, prober-error {"reason"}
Errors are one line on stderr, with or without --json.`;
