/** Help text of `warren consume`. */
export const CONSUME_USAGE = `Usage: warren consume <queue> [options]

Consumes <queue> from every broker in the registry that is not retired and
prints one JSON line per message (the output is always JSON lines):
  {"id", "hasMessageId", "replicas", "node", "body", "headers",
   "redeliveries", "redelivered", "publishedAt"}
  id            the AMQP messageId; without one, made up from the delivery (b1:7)
  hasMessageId  false when the message had no (or an empty) messageId: "id" is
                made up, not stable, and the message cannot be de-duplicated
  replicas      how many brokers hold a copy (x-warren-replicas, 1-3)
  node          the broker it came from
  body          parsed JSON for application/json messages, else the text
  headers       the AMQP headers
  redeliveries  how many times a handler already failed on it (x-warren-redeliveries)
  redelivered   RabbitMQ's own flag: delivered before, e.g. to a consumer that
                stopped before acknowledging, or by an earlier --no-ack run
  publishedAt   the AMQP timestamp as ISO 8601, when it is a plausible one; absent otherwise

The queue must be declared in the topology with an x-dead-letter-exchange: a
message that cannot be decoded goes there, with an x-warren-dead-letter-reason
header. A broker that does not have the queue ends the command with exit code 1.

A message published with replicas has a copy on several brokers, all with the
same messageId. It is printed once: each messageId is claimed in the registry's
dedupe records (scope: the queue name, as consumers use by default) and the
other copies are acknowledged unprinted. While the registry cannot be reached,
messages are put back and retried: none is printed unclaimed or dead-lettered.
With --no-ack nothing is claimed: copies are told apart by messageId within
this run. Warnings go to stderr.

Options:
  --count N             stop after N messages
  --no-ack              leave messages on the brokers (they return when warren consume exits)
  --ack                 acknowledge each message once printed (default)
  --no-dedupe           print every copy of a replicated message (with a warning), claim nothing
  --dedupe              de-duplicate by messageId (default)
  --prefetch N          unacknowledged messages per broker (default 10; 1-1000)
  --json                accepted for scripts that pass it to every command: the output
                        is JSON lines already
  --data-dir DIR        the local fleet running in DIR (default .warren), guest credentials
  --table NAME          a DynamoDB registry table instead; credentials from WARREN_AMQP_SECRET_ARN
                        or WARREN_AMQP_USERNAME + WARREN_AMQP_PASSWORD
  --endpoint URL        with --table: a DynamoDB-compatible server such as dynalite
  --topology FILE       with --table: the brokers' topology (definitions JSON)
                        (default: $WARREN_TOPOLOGY, else the default topology);
                        the local fleet uses the topology it was started with
  --ca-file PATH        PEM CA certificate that amqps:// brokers' certificates chain to
                        (default: $WARREN_AMQP_CA_CERT, else Node's public roots)
  -h, --help            show this help

Ctrl-C or SIGTERM stops cleanly at any time: in-flight messages are finished, the rest stay queued.`;
