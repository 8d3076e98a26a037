import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

/** The RabbitMQ scripts warren runs to start brokers and to operate them. */
export interface RabbitMqInstall {
  /** Runs a node in the foreground as the current user. */
  readonly server: string;
  readonly ctl: string;
}

export class RabbitMqNotFoundError extends Error {
  constructor(problem = 'rabbitmq-server was not found') {
    super(
      [
        `${problem}: warren dev starts real, independent RabbitMQ brokers.`,
        'Install it: sudo apt-get update && sudo apt-get install -y rabbitmq-server (Debian/Ubuntu),',
        '  or brew install rabbitmq (macOS);',
        'or point WARREN_RABBITMQ_SERVER at its rabbitmq-server script;',
        'or use brokers you already run: warren dev --brokers amqp://user:pass@host:port,...',
      ].join('\n'),
    );
    this.name = 'RabbitMqNotFoundError';
  }
}

/** Where Debian and Ubuntu keep the scripts that run a node as the calling user. */
export const KNOWN_LOCATIONS: readonly string[] = ['/usr/lib/rabbitmq/bin/rabbitmq-server'];

/**
 * Finds `rabbitmq-server`: `WARREN_RABBITMQ_SERVER`, then `knownLocations` (Debian's library copy),
 * then `PATH`. Debian's `/usr/sbin` wrapper is skipped: it switches to user
 * `rabbitmq`, which cannot reach warren's data directories.
 *
 * @example const { server, ctl } = locateRabbitMq(process.env);
 */
export function locateRabbitMq(
  env: NodeJS.ProcessEnv,
  knownLocations: readonly string[] = KNOWN_LOCATIONS,
): RabbitMqInstall {
  const configured = env.WARREN_RABBITMQ_SERVER;
  if (configured !== undefined && configured !== '' && !isExecutable(configured)) {
    throw new RabbitMqNotFoundError(
      `WARREN_RABBITMQ_SERVER=${configured} is not an executable file`,
    );
  }
  const candidates = [
    configured,
    ...knownLocations,
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => isAbsolute(dir))
      .map((dir) => join(dir, 'rabbitmq-server')),
  ];
  for (const candidate of candidates) {
    if (!candidate || !isExecutable(candidate)) continue;
    if (realpathSync(candidate).endsWith('rabbitmq-script-wrapper')) continue;
    const ctl = join(dirname(candidate), 'rabbitmqctl');
    if (isExecutable(ctl)) return { server: candidate, ctl };
  }
  throw new RabbitMqNotFoundError();
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
