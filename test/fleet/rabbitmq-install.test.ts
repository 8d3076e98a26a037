import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateRabbitMq, RabbitMqNotFoundError } from '../../src/fleet/rabbitmq-install.js';

let root = '';
let dirs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'warren-rabbitmq-install-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function dir(): Promise<string> {
  dirs += 1;
  const path = join(root, `dir${dirs}`);
  await mkdir(path);
  return path;
}

async function script(path: string, mode = 0o755): Promise<string> {
  await writeFile(path, '#!/bin/sh\nexit 0\n');
  await chmod(path, mode);
  return path;
}

/** A directory holding an executable rabbitmq-server and rabbitmqctl, as a RabbitMQ install does. */
async function install(): Promise<{ dir: string; server: string; ctl: string }> {
  const path = await dir();
  return {
    dir: path,
    server: await script(join(path, 'rabbitmq-server')),
    ctl: await script(join(path, 'rabbitmqctl')),
  };
}

/** Debian's /usr/sbin layout: rabbitmq-server is a symlink to a wrapper that switches user. */
async function debianWrapper(): Promise<{ dir: string; server: string }> {
  const path = await dir();
  const wrapper = await script(join(path, 'rabbitmq-script-wrapper'));
  await symlink(wrapper, join(path, 'rabbitmq-server'));
  await symlink(wrapper, join(path, 'rabbitmqctl'));
  return { dir: path, server: join(path, 'rabbitmq-server') };
}

const searchPath = (...dirs: string[]) => dirs.join(delimiter);

describe('locateRabbitMq', () => {
  it('throws RabbitMqNotFoundError that explains how to install RabbitMQ or use --brokers', async () => {
    const empty = await dir();
    let thrown: unknown;
    try {
      locateRabbitMq({ PATH: empty }, []);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RabbitMqNotFoundError);
    const { name, message } = thrown as RabbitMqNotFoundError;
    expect(name).toBe('RabbitMqNotFoundError');
    expect(message).toMatch(/apt-get install (-y )?rabbitmq-server/);
    expect(message).toContain('WARREN_RABBITMQ_SERVER');
    expect(message).toContain('--brokers');
  });

  it('throws RabbitMqNotFoundError when PATH is unset and nothing else is known', () => {
    expect(() => locateRabbitMq({}, [])).toThrow(RabbitMqNotFoundError);
  });

  it('finds rabbitmq-server and its sibling rabbitmqctl on PATH', async () => {
    const empty = await dir();
    const found = await install();
    expect(locateRabbitMq({ PATH: searchPath(empty, found.dir) }, [])).toStrictEqual({
      server: found.server,
      ctl: found.ctl,
    });
  });

  it('takes the first PATH directory that has both scripts', async () => {
    const first = await install();
    const second = await install();
    expect(locateRabbitMq({ PATH: searchPath(first.dir, second.dir) }, []).server).toBe(
      first.server,
    );
  });

  it('ignores a rabbitmq-server without a sibling rabbitmqctl', async () => {
    const lonely = await dir();
    await script(join(lonely, 'rabbitmq-server'));
    const found = await install();
    expect(locateRabbitMq({ PATH: searchPath(lonely, found.dir) }, []).server).toBe(found.server);
    expect(() => locateRabbitMq({ PATH: lonely }, [])).toThrow(RabbitMqNotFoundError);
  });

  it.each([
    ['rabbitmq-server', 0o644, 0o755],
    ['rabbitmqctl', 0o755, 0o644],
  ])('ignores an install whose %s is not executable', async (_which, serverMode, ctlMode) => {
    const broken = await dir();
    await script(join(broken, 'rabbitmq-server'), serverMode);
    await script(join(broken, 'rabbitmqctl'), ctlMode);
    const found = await install();
    expect(locateRabbitMq({ PATH: searchPath(broken, found.dir) }, []).server).toBe(found.server);
  });

  it('prefers WARREN_RABBITMQ_SERVER over known locations and PATH', async () => {
    const chosen = await install();
    const known = await install();
    const onPath = await install();
    const env = { WARREN_RABBITMQ_SERVER: chosen.server, PATH: onPath.dir };
    expect(locateRabbitMq(env, [known.server])).toStrictEqual({
      server: chosen.server,
      ctl: chosen.ctl,
    });
  });

  it('prefers a known location over PATH', async () => {
    const known = await install();
    const onPath = await install();
    expect(locateRabbitMq({ PATH: onPath.dir }, [known.server]).server).toBe(known.server);
  });

  it('skips a rabbitmq-server that resolves to rabbitmq-script-wrapper', async () => {
    const wrapper = await debianWrapper();
    const found = await install();
    expect(locateRabbitMq({ PATH: searchPath(wrapper.dir, found.dir) }, []).server).toBe(
      found.server,
    );
    expect(() => locateRabbitMq({ PATH: wrapper.dir }, [])).toThrow(RabbitMqNotFoundError);
  });

  it('skips the wrapper even when WARREN_RABBITMQ_SERVER names it', async () => {
    const wrapper = await debianWrapper();
    const found = await install();
    const env = { WARREN_RABBITMQ_SERVER: wrapper.server, PATH: found.dir };
    expect(locateRabbitMq(env, []).server).toBe(found.server);
  });

  it('reports a WARREN_RABBITMQ_SERVER that is not executable instead of looking elsewhere', async () => {
    const found = await install();
    const missing = join(await dir(), 'rabbitmq-server');
    const env = { WARREN_RABBITMQ_SERVER: missing, PATH: found.dir };
    expect(() => locateRabbitMq(env, [])).toThrow(
      `WARREN_RABBITMQ_SERVER=${missing} is not an executable file`,
    );
  });

  it('ignores relative PATH entries', async () => {
    expect(() => locateRabbitMq({ PATH: `${delimiter}.${delimiter}bin` }, [])).toThrow(
      RabbitMqNotFoundError,
    );
  });
});
