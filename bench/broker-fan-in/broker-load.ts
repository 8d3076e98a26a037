/**
 * What the connections the fan-in model counts cost a broker, from the
 * measured cost of one connection (`bench/broker-connections.ts`). Pure:
 * counts and measured figures in, memory and CPU out. Linear by assumption:
 * the measured per-connection figures held from 200 to 1 000 connections;
 * past that, queue processes, GC and the scheduler may not stay linear.
 */

/** What one publisher connection (amqps, with its confirm channel) costs a broker. */
export interface ConnectionCost {
  /** Broker memory an idle connection holds, bytes. */
  readonly bytesPerIdleConnection: number;
  /** Broker CPU to accept one connection: TCP, TLS and AMQP handshakes, the channel open; µs. */
  readonly handshakeCpuUs: number;
  /** Broker CPU an idle connection costs a second (heartbeats, stats); µs. */
  readonly idleCpuUsPerSecond: number;
}

export interface BrokerLoad {
  /** Memory the held connections take, bytes. */
  readonly memoryBytes: number;
  /** Cores kept busy by holding them idle. */
  readonly idleCores: number;
  /** CPU the new connections' handshakes take, seconds (one core busy for that long). */
  readonly handshakeCpuSeconds: number;
}

/**
 * The load of `connections` held idle, and of `handshakes` new connections
 * accepted, on one broker.
 *
 * @example brokerLoad({ connections: 654, handshakes: 78 }, cost).memoryBytes // 654 × cost.bytesPerIdleConnection
 */
export function brokerLoad(
  { connections, handshakes }: { readonly connections: number; readonly handshakes: number },
  cost: ConnectionCost,
): BrokerLoad {
  return {
    memoryBytes: connections * cost.bytesPerIdleConnection,
    idleCores: (connections * cost.idleCpuUsPerSecond) / 1e6,
    handshakeCpuSeconds: (handshakes * cost.handshakeCpuUs) / 1e6,
  };
}
