import { setTimeout as sleep } from 'node:timers/promises';
import { formatEndpoint, parseAmqpUrl } from '../core/amqp-endpoint.js';
import {
  type BrokerExit,
  type BrokerProcess,
  BrokerStartError,
  describeExit,
  launchBroker,
  waitForAmqp,
} from './broker-process.js';
import type { BrokerSpec } from './broker-spec.js';
import type { FleetEventListener } from './fleet-events.js';
import type { RabbitMqInstall } from './rabbitmq-install.js';

/** Where a supervised broker is in its life, in the manner of nats.js connection status. */
export type BrokerLifecycle =
  | { readonly state: 'starting'; readonly attempt: number; readonly since: number }
  | { readonly state: 'running'; readonly pid: number; readonly since: number }
  | { readonly state: 'backoff'; readonly attempt: number; readonly restartAt: number }
  | { readonly state: 'stopping' }
  | { readonly state: 'stopped' };

export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A broker up this long counts as recovered: the next crash starts the back-off again. */
  readonly stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

export interface SupervisorOptions {
  readonly spec: BrokerSpec;
  readonly install: RabbitMqInstall;
  /** AMQP URL with credentials, used to tell when the broker is ready. */
  readonly url: string;
  readonly readyTimeoutMs: number;
  readonly restart?: RestartPolicy;
  /** Runs after every start, before the broker counts as ready (declares topology). */
  readonly onReady: (restarted: boolean) => Promise<void>;
  readonly onEvent: FleetEventListener;
}

const STOP_GRACE_MS = 20_000;

/**
 * Keeps one broker running the way systemd's `Restart=always` does on EC2: a
 * broker that dies is started again on the same ports with the same data,
 * after a back-off that doubles up to `maxDelayMs`.
 */
export class SupervisedBroker {
  readonly #options: SupervisorOptions;
  readonly #restart: RestartPolicy;
  readonly #stop = new AbortController();
  #lifecycle: BrokerLifecycle = { state: 'stopped' };
  #process: BrokerProcess | undefined;
  #watching: Promise<void> = Promise.resolve();

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#restart = options.restart ?? DEFAULT_RESTART_POLICY;
  }

  get id(): string {
    return this.#options.spec.id;
  }

  get lifecycle(): BrokerLifecycle {
    return this.#lifecycle;
  }

  /**
   * Starts the broker and resolves once it is ready; a first start that fails
   * (or is aborted through `signal`) stops the broker and is not retried.
   */
  async start(signal?: AbortSignal): Promise<void> {
    const started = this.#launch(1);
    try {
      await this.#becomeReady(started, false, signal);
    } catch (error) {
      await started.stop(STOP_GRACE_MS);
      this.#lifecycle = { state: 'stopped' };
      throw error;
    }
    this.#watching = this.#superviseFrom(started);
  }

  /** Stops the broker and any pending restart; safe to call in any state, and more than once. */
  async stop(): Promise<void> {
    if (this.#lifecycle.state === 'stopped' && !this.#process) return;
    this.#lifecycle = { state: 'stopping' };
    this.#stop.abort();
    const exit = await this.#process?.stop(STOP_GRACE_MS);
    await this.#watching;
    this.#process = undefined;
    this.#lifecycle = { state: 'stopped' };
    this.#options.onEvent({
      type: 'broker-stopped',
      id: this.id,
      how: exit ? describeExit(exit) : 'not running',
    });
  }

  #launch(attempt: number): BrokerProcess {
    const { spec, install, onEvent, url } = this.#options;
    this.#lifecycle = { state: 'starting', attempt, since: Date.now() };
    onEvent({
      type: 'broker-starting',
      id: spec.id,
      url: formatEndpoint(parseAmqpUrl(url)),
      attempt,
    });
    this.#process = launchBroker(spec, install);
    return this.#process;
  }

  async #becomeReady(
    broker: BrokerProcess,
    restarted: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    await waitForAmqp(this.#options.spec, broker, this.#options.url, {
      timeoutMs: this.#options.readyTimeoutMs,
      signal: signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal,
    });
    await this.#options.onReady(restarted);
    this.#lifecycle = { state: 'running', pid: broker.pid, since: Date.now() };
    this.#options.onEvent({
      type: 'broker-ready',
      id: this.id,
      elapsedMs: Date.now() - broker.startedAt,
      restarted,
    });
  }

  async #superviseFrom(first: BrokerProcess): Promise<void> {
    let current = first;
    let attempt = 0;
    for (;;) {
      const exit: BrokerExit = await current.exited;
      if (this.#stop.signal.aborted) return;
      const uptimeMs = Date.now() - current.startedAt;
      this.#options.onEvent({
        type: 'broker-exited',
        id: this.id,
        how: describeExit(exit),
        uptimeMs,
      });
      attempt = uptimeMs >= this.#restart.stableAfterMs ? 1 : attempt + 1;
      const delayMs = Math.min(
        this.#restart.initialDelayMs * 2 ** (attempt - 1),
        this.#restart.maxDelayMs,
      );
      this.#lifecycle = { state: 'backoff', attempt, restartAt: Date.now() + delayMs };
      this.#options.onEvent({ type: 'broker-restart-scheduled', id: this.id, delayMs, attempt });
      try {
        await sleep(delayMs, undefined, { signal: this.#stop.signal });
      } catch {
        return;
      }
      current = this.#launch(attempt + 1);
      try {
        await this.#becomeReady(current, true);
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        const reason =
          error instanceof BrokerStartError ? error.message.split('\n')[0] : String(error);
        this.#options.onEvent({
          type: 'broker-restart-failed',
          id: this.id,
          reason: reason ?? 'unknown',
        });
        await current.stop(STOP_GRACE_MS);
      }
    }
  }
}
