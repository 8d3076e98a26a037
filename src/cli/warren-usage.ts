/** Help text of `warren` itself: its commands; each has its own help. */
export const WARREN_USAGE = `Usage: warren <command> [options]

Keeps messages flowing when RabbitMQ brokers fail: a fleet of independent
brokers, a health registry kept by a prober, and a failover publisher.

Commands:
  dev                   run a local fleet: real RabbitMQ brokers, the registry and the
                        HTTP API on 127.0.0.1 (npm start)
  nodes list            list the brokers in the registry: health, admin state, latency
  nodes register        add a broker to the registry, or move its endpoint
  nodes drain           set a broker's admin state; also undrain, maintenance, retire
  consume <queue>       print a queue's messages from every broker as JSON lines
  help [<command>]      show a command's help, e.g. warren help nodes drain

Options:
  -v, --version         print the version; with --json: {"version": "0.1.0"}
  -h, --help            show this help

Run "warren <command> --help" for a command's options and output. Every command
that prints data takes --json. Exit codes: 0 done, 1 failed, 2 bad usage; an
error is one line on stderr. Colour only on a terminal, never with NO_COLOR set.`;
