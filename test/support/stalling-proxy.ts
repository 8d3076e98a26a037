import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real broker that can go silent on command, for the
 * defects a deadline must catch: a broker that accepts TCP and says nothing
 * (`stall()` before connecting), one that stops answering after the AMQP
 * handshake (`stallAfterHandshake()`: `connect` completes, `createConfirmChannel`
 * never does), one that stops confirming mid-publish (`stallAfterServerFrame`
 * on Basic.Ack). A stall pauses reading, so nothing further reaches the other
 * side and the sockets stay open; `resume()` delivers what was held, intact.
 */
export interface StallingProxy {
  /** The broker URL with its host and port replaced by the proxy's (credentials kept). */
  readonly url: string;
  readonly port: number;
  /** Client connections open now. */
  readonly connections: number;
  /** Client connections accepted since the start. */
  readonly accepted: number;
  /** Stops both directions of every connection, and of new ones until `resume()`. */
  stall(): void;
  /** Forwards again everything held, and drops triggers not yet fired. */
  resume(): void;
  /** Each connection stalls server→client once it has forwarded `bytes` more in that direction. */
  stallServerToClientAfter(bytes: number): void;
  /** Each connection stalls client→server once it has forwarded `bytes` more (the protocol header is 8). */
  stallClientToServerAfter(bytes: number): void;
  /** Each connection stalls server→client just after the next frame `match` accepts. */
  stallAfterServerFrame(match: (frame: AmqpFrame) => boolean): void;
  /** Stalls server→client just after Connection.OpenOk: the connection opens, nothing more answers. */
  stallAfterHandshake(): void;
  /** Closes the listener: new connections are refused, open ones carry on. */
  refuse(): void;
  /** Destroys every connection and closes the listener. */
  close(): Promise<void>;
}

/** An AMQP 0-9-1 frame header, with the class and method of a method frame. */
export interface AmqpFrame {
  /** 1 method, 2 content header, 3 body, 8 heartbeat. */
  readonly type: number;
  readonly channel: number;
  readonly size: number;
  readonly classId?: number;
  readonly methodId?: number;
}

/** Matches method frames of one class and method, e.g. `isMethodFrame(60, 80)` for Basic.Ack. */
export const isMethodFrame =
  (classId: number, methodId: number) =>
  (frame: AmqpFrame): boolean =>
    frame.type === 1 && frame.classId === classId && frame.methodId === methodId;

type Trigger = { readonly bytes: number } | { readonly frame: (frame: AmqpFrame) => boolean };

/**
 * Starts a proxy on 127.0.0.1 (a free port) in front of the broker at `brokerUrl`.
 * Frame triggers read plain AMQP only: through TLS they never fire.
 *
 * @example
 * const proxy = await startStallingProxy(fleet.brokers[0].local.url);
 * proxy.stallAfterHandshake();
 * const connection = await connectAmqp(proxy.url, { timeoutMs: 2_000 }); // opens; channels never do
 */
export async function startStallingProxy(brokerUrl: string): Promise<StallingProxy> {
  const target = new URL(brokerUrl);
  const targetPort = Number(target.port || 5672);
  const pairs = new Set<{ readonly up: Direction; readonly down: Direction }>();
  let stalled = false;
  let triggers: { up?: Trigger; down?: Trigger } = {};
  let accepted = 0;

  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(targetPort, target.hostname);
    const pair = { up: new Direction(client, upstream), down: new Direction(upstream, client) };
    pairs.add(pair);
    if (stalled) for (const direction of [pair.up, pair.down]) direction.stall();
    if (triggers.up) pair.up.arm(triggers.up);
    if (triggers.down) pair.down.arm(triggers.down);
    const teardown = (hadError: boolean) => {
      pairs.delete(pair);
      for (const socket of [client, upstream]) {
        if (hadError) socket.destroy();
        else socket.end();
      }
    };
    client.on('error', () => teardown(true)).on('close', teardown);
    upstream.on('error', () => teardown(true)).on('close', teardown);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = new URL(brokerUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const armAll = (side: 'up' | 'down', trigger: Trigger) => {
    triggers = { ...triggers, [side]: trigger };
    for (const pair of pairs) pair[side].arm(trigger);
  };
  return {
    url: url.toString(),
    port,
    get connections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    stall() {
      stalled = true;
      for (const pair of pairs) for (const direction of [pair.up, pair.down]) direction.stall();
    },
    resume() {
      stalled = false;
      triggers = {};
      for (const pair of pairs) for (const direction of [pair.up, pair.down]) direction.resume();
    },
    stallServerToClientAfter: (bytes) => armAll('down', { bytes }),
    stallClientToServerAfter: (bytes) => armAll('up', { bytes }),
    stallAfterServerFrame: (match) => armAll('down', { frame: match }),
    stallAfterHandshake: () => armAll('down', { frame: isMethodFrame(10, 41) }),
    refuse() {
      server.close();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pair of pairs) pair.up.destroy();
      pairs.clear();
      await closed;
    },
  };
}

/** One way of one connection: forwards `from` to `to` until stalled, holding what it reads after. */
class Direction {
  private readonly scanner = new AmqpFrameScanner();
  private held: Buffer[] = [];
  private stalled = false;
  private trigger: Trigger | undefined;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
  ) {
    from.on('data', (chunk: Buffer) => this.forward(chunk));
  }

  arm(trigger: Trigger): void {
    this.trigger = trigger;
    if ('bytes' in trigger && trigger.bytes <= 0) this.stall();
  }

  stall(): void {
    this.stalled = true;
    this.from.pause();
  }

  resume(): void {
    this.trigger = undefined;
    this.stalled = false;
    for (const chunk of this.held) this.to.write(chunk);
    this.held = [];
    this.from.resume();
  }

  destroy(): void {
    this.from.destroy();
    this.to.destroy();
  }

  private forward(chunk: Buffer): void {
    // Scanned even while stalled: the scanner must see every byte to keep frame boundaries.
    const frameEnd = this.scanner.scan(
      chunk,
      this.trigger && 'frame' in this.trigger ? this.trigger.frame : undefined,
    );
    if (this.stalled) {
      this.held.push(chunk);
      return;
    }
    let cut = frameEnd;
    if (this.trigger && 'bytes' in this.trigger) {
      if (chunk.length >= this.trigger.bytes) cut = this.trigger.bytes;
      else this.trigger = { bytes: this.trigger.bytes - chunk.length };
    }
    if (cut === undefined) {
      this.write(chunk);
      return;
    }
    this.write(chunk.subarray(0, cut));
    if (cut < chunk.length) this.held.push(chunk.subarray(cut));
    this.trigger = undefined;
    this.stall();
  }

  private write(chunk: Buffer): void {
    if (this.to.write(chunk)) return;
    this.from.pause();
    this.to.once('drain', () => {
      if (!this.stalled) this.from.resume();
    });
  }
}

const FRAME_END = 0xce;

/**
 * Follows frame boundaries in an AMQP 0-9-1 frame stream (the server→client side:
 * no protocol header). Each frame is type (1), channel (2), size (4), payload,
 * 0xCE; a method frame's payload opens with its class and method ids (2 + 2).
 */
export class AmqpFrameScanner {
  /** The frame header, then up to 4 payload bytes. */
  private head: number[] = [];
  private payloadLeft = 0;
  /** Not an AMQP stream (TLS, a protocol mismatch): frames are no longer reported. */
  private lost = false;

  /** Consumes `chunk`; returns the offset just past the first frame in it that `match` accepts. */
  scan(chunk: Buffer, match?: (frame: AmqpFrame) => boolean): number | undefined {
    let found: number | undefined;
    let i = 0;
    while (i < chunk.length && !this.lost) {
      if (this.head.length < 7) {
        this.head.push(chunk[i++] as number);
        if (this.head.length === 7) this.payloadLeft = Buffer.from(this.head).readUInt32BE(3);
      } else if (this.payloadLeft > 0 && this.head.length < 11) {
        this.head.push(chunk[i++] as number);
        this.payloadLeft -= 1;
      } else if (this.payloadLeft > 0) {
        const skipped = Math.min(this.payloadLeft, chunk.length - i);
        i += skipped;
        this.payloadLeft -= skipped;
      } else {
        this.lost = chunk[i++] !== FRAME_END;
        if (!this.lost && found === undefined && match?.(this.frame())) found = i;
        this.head = [];
      }
    }
    return found;
  }

  private frame(): AmqpFrame {
    const head = Buffer.from(this.head);
    const frame = {
      type: head.readUInt8(0),
      channel: head.readUInt16BE(1),
      size: head.readUInt32BE(3),
    };
    if (frame.type !== 1 || head.length < 11) return frame;
    return { ...frame, classId: head.readUInt16BE(7), methodId: head.readUInt16BE(9) };
  }
}
