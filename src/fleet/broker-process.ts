import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmqpConnectError, connectAmqp } from '../amqp/connect-amqp.js';
import { type BrokerSpec, brokerEnvironment, brokerPaths } from './broker-spec.js';
import type { RabbitMqInstall } from './rabbitmq-install.js';

export interface BrokerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One run of a broker: the Erlang VM, leader of its own process group. */
export interface BrokerProcess {
  /** Pid of the Erlang VM (`beam.smp`), also its process group. */
  readonly pid: number;
  readonly startedAt: number;
  readonly exited: Promise<BrokerExit>;
  /** SIGTERM (RabbitMQ shuts down cleanly), then SIGKILL to the whole group after `graceMs`. */
  stop(graceMs: number): Promise<BrokerExit>;
}

/** A broker that exited or never answered while starting; the message carries its last log lines. */
export class BrokerStartError extends Error {
  readonly brokerId: string;
  constructor(brokerId: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokerStartError';
    this.brokerId = brokerId;
  }
}

// Process groups of running brokers: killed if this process exits without stopping them.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Starts `rabbitmq-server` for `spec` in its own process group, with output
 * appended to the broker's console log.
 */
export function launchBroker(spec: BrokerSpec, install: RabbitMqInstall): BrokerProcess {
  if (!exitHookInstalled) {
    process.once('exit', () => {
      for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
    });
    exitHookInstalled = true;
  }
  const paths = brokerPaths(spec.dir);
  const output = openSync(paths.consoleLog, 'a');
  let child: ChildProcess;
  try {
    child = spawn(install.server, [], {
      cwd: spec.dir,
      env: brokerEnvironment(spec, process.env),
      detached: true,
      stdio: ['ignore', output, output],
    });
  } finally {
    closeSync(output);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new BrokerStartError(spec.id, `${spec.id}: cannot run ${install.server}`);
  }
  liveGroups.add(pid);
  const exited = new Promise<BrokerExit>((resolve) => {
    child.once('error', () => undefined);
    child.once('exit', (code, signal) => {
      // Sweep helpers left in the group (erl_child_setup, inet_gethost).
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      resolve({ code, signal });
    });
  });
  return {
    pid,
    startedAt: Date.now(),
    exited,
    async stop(graceMs) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface WaitForAmqpOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Resolves once the broker completes an AMQP handshake; rejects with its last
 * log lines if it exits first or does not answer within `timeoutMs`.
 */
export async function waitForAmqp(
  spec: BrokerSpec,
  broker: BrokerProcess,
  url: string,
  options: WaitForAmqpOptions,
): Promise<void> {
  let exit: BrokerExit | undefined;
  void broker.exited.then((value) => {
    exit = value;
  });
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    if (exit) {
      throw new BrokerStartError(
        spec.id,
        `${spec.id} exited while starting (${describeExit(exit)}).\n${await logTail(spec)}`,
      );
    }
    try {
      const connection = await connectAmqp(url, {
        timeoutMs: 2_000,
        connectionName: `warren readiness ${spec.id}`,
        ...(options.signal && { signal: options.signal }),
      });
      await connection.close().catch(() => undefined);
      return;
    } catch (error) {
      if (!(error instanceof AmqpConnectError)) throw error;
      lastError = error;
    }
    await sleep(250, undefined, options.signal ? { signal: options.signal } : {});
  }
  throw new BrokerStartError(
    spec.id,
    `${spec.id} did not accept AMQP connections within ${options.timeoutMs} ms.\n${await logTail(spec)}`,
    { cause: lastError },
  );
}

export function describeExit(exit: BrokerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of the broker's own log and console output, for error messages. */
export async function logTail(spec: BrokerSpec, lines = 15): Promise<string> {
  const paths = brokerPaths(spec.dir);
  const files = [join(paths.logBase, `${spec.nodeName}.log`), paths.consoleLog];
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    if (tail) parts.push(`--- last lines of ${file}\n${tail}`);
  }
  return parts.join('\n') || `(no log output in ${spec.dir})`;
}
