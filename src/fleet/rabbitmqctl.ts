import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RabbitMqInstall } from './rabbitmq-install.js';

const run = promisify(execFile);

/** Runs `rabbitmqctl` against one local broker, with that broker's Erlang cookie. */
export async function rabbitmqctl(
  install: RabbitMqInstall,
  broker: { readonly nodeName: string; readonly home: string },
  args: readonly string[],
): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(RABBITMQ_|ERL_)/.test(key)) env[key] = value;
  }
  const { stdout } = await run(install.ctl, ['-n', broker.nodeName, ...args], {
    env: {
      ...env,
      HOME: broker.home,
      RABBITMQ_CONF_ENV_FILE: `${broker.home}/rabbitmq-env.conf.absent`,
    },
    timeout: 30_000,
  });
  return stdout;
}
