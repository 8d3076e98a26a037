/**
 * A part of a bench run in a forked child (the fleet, or the HTTP API), so the
 * measuring process holds only the clients and each part's CPU time can be
 * read on its own. The parent forks the bench file with a flag the file
 * dispatches on; the child serves `ready`, answers `cpu` with its CPU time,
 * and stops on `stop` or when the parent goes away. With
 * `WARREN_BENCH_CPU_PROFILE=<dir>` set, each child writes a V8 CPU profile
 * there when it stops (`node --cpu-prof`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { cpuMs, within } from './measure.js';

type HostMessage<Ready> =
  | { type: 'ready'; ready: Ready }
  | { type: 'failed'; reason: string }
  | { type: 'cpu'; ms: number };

export interface ForkedHost<Ready> {
  readonly ready: Ready;
  /** CPU ms the child has used. */
  cpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** In the child: starts the part, tells the parent, and serves it until told to stop. */
export async function serveHost<Ready>(
  start: () => Promise<{ readonly ready: Ready; stop(): Promise<void> }>,
): Promise<void> {
  const send = (message: HostMessage<Ready>) => process.send?.(message);
  try {
    const part = await start();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await part.stop();
      process.exit(0);
    };
    process.on('message', (message) => {
      if (message === 'cpu') send({ type: 'cpu', ms: cpuMs() });
      if (message === 'stop') void stop();
    });
    // The bench died or finished without a word: stop (the brokers) anyway.
    process.on('disconnect', () => void stop());
    send({ type: 'ready', ready: part.ready });
  } catch (error) {
    send({ type: 'failed', reason: (error as Error).message });
    process.exit(1);
  }
}

/** In the parent: forks `entry` with `args` and waits for its part to be ready. */
export async function forkHost<Ready>(
  entry: string,
  args: readonly string[],
  what: string,
): Promise<ForkedHost<Ready>> {
  const profileDir = process.env.WARREN_BENCH_CPU_PROFILE;
  const child: ChildProcess = fork(entry, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [
      ...process.execArgv,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (timeoutMs: number) =>
    new Promise<HostMessage<Ready>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not answer`)), timeoutMs);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as HostMessage<Ready>);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (code ${child.exitCode})`));
      });
    });
  const ready = await next(180_000).catch((error: unknown) => {
    child.kill('SIGTERM');
    throw error;
  });
  if (ready.type !== 'ready') {
    child.kill('SIGTERM');
    throw new Error(
      `${what} did not start: ${ready.type === 'failed' ? ready.reason : ready.type}`,
    );
  }
  return {
    ready: ready.ready,
    async cpuMs() {
      child.send('cpu');
      const answer = await next(10_000);
      return answer.type === 'cpu' ? answer.ms : undefined;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send('stop');
      if ((await within(exited, 60_000)) === 'timeout') child.kill('SIGTERM');
    },
  };
}
