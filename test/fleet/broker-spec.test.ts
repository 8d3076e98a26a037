import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BrokerSpec,
  brokerEnvironment,
  nodeNameFor,
  renderBrokerConfig,
} from '../../src/fleet/broker-spec.js';

const DIR = join('/srv', 'fleet', '.warren', 'b2');

const spec: BrokerSpec = {
  id: 'b2',
  nodeName: 'warren-0123abcd-b2@localhost',
  dir: DIR,
  amqpPort: 5673,
  distPort: 25673,
  managementPort: 15673,
};

/** rabbitmq.conf (sysctl format) as key → value, ignoring comments and blank lines. */
function settings(config: string): Map<string, string> {
  const entries = config
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [key = '', ...value] = line.split('=');
      return [key.trim(), value.join('=').trim()] as const;
    });
  return new Map(entries);
}

describe('renderBrokerConfig', () => {
  it.each([
    { amqpPort: 5673, managementPort: 15673 },
    { amqpPort: 41001, managementPort: 41003 },
  ])('binds AMQP to 127.0.0.1:$amqpPort and management to 127.0.0.1:$managementPort', (ports) => {
    const config = settings(renderBrokerConfig({ ...spec, ...ports }));
    expect(config.get('listeners.tcp.1')).toBe(`127.0.0.1:${ports.amqpPort}`);
    expect(config.get('management.tcp.ip')).toBe('127.0.0.1');
    expect(config.get('management.tcp.port')).toBe(String(ports.managementPort));
  });

  it('declares no listener other than the loopback AMQP one', () => {
    const keys = [...settings(renderBrokerConfig(spec)).keys()];
    expect(keys.filter((key) => key.startsWith('listeners.'))).toStrictEqual(['listeners.tcp.1']);
    expect(keys.filter((key) => key.startsWith('management.'))).toStrictEqual([
      'management.tcp.ip',
      'management.tcp.port',
    ]);
  });

  it('keeps the guest user restricted to loopback connections', () => {
    expect(settings(renderBrokerConfig(spec)).get('loopback_users.guest')).toBe('true');
  });
});

describe('nodeNameFor', () => {
  it('gives the same name for the same data dir and id', () => {
    expect(nodeNameFor('/srv/fleet/.warren', 'b1')).toBe(nodeNameFor('/srv/fleet/.warren', 'b1'));
  });

  it.each([
    ['/srv/fleet/.warren', '/srv/other/.warren'],
    ['/srv/fleet/.warren', '/srv/fleet/.warren2'],
    ['/a', '/b'],
  ])('gives different names for data dirs %s and %s', (first, second) => {
    expect(nodeNameFor(first, 'b1')).not.toBe(nodeNameFor(second, 'b1'));
  });

  it('gives different names to different brokers of one fleet', () => {
    expect(nodeNameFor('/srv/fleet/.warren', 'b1')).not.toBe(
      nodeNameFor('/srv/fleet/.warren', 'b2'),
    );
  });

  it.each(['b1', 'b20', 'eu-west-1a-b2'])('names broker %s warren-<fleet>-<id>@localhost', (id) => {
    expect(nodeNameFor('/srv/fleet/.warren', id)).toMatch(
      new RegExp(`^warren-[0-9a-f]{8}-${id}@localhost$`),
    );
  });
});

describe('brokerEnvironment', () => {
  const base: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin',
    LANG: 'C.UTF-8',
    HOME: '/home/dev',
    RABBITMQ_NODENAME: 'rabbit@elsewhere',
    RABBITMQ_NODE_PORT: '5672',
    RABBITMQ_ENABLED_PLUGINS: 'rabbitmq_shovel',
    RABBITMQ_CONFIG_FILES: '/etc/rabbitmq/conf.d',
    RABBITMQ_ADVANCED_CONFIG_FILE: '/etc/rabbitmq/advanced.config',
    ERL_FLAGS: '+S 1',
    ERL_LIBS: '/opt/erlang/lib',
    ERL_EPMD_PORT: '4370',
    ERL_EPMD_ADDRESS: '0.0.0.0',
  };

  const expected: [string, string][] = [
    ['RABBITMQ_NODENAME', spec.nodeName],
    ['RABBITMQ_NODE_IP_ADDRESS', '127.0.0.1'],
    ['RABBITMQ_NODE_PORT', '5673'],
    ['RABBITMQ_DIST_PORT', '25673'],
    ['RABBITMQ_CONFIG_FILE', join(DIR, 'rabbitmq.conf')],
    ['RABBITMQ_ENABLED_PLUGINS_FILE', join(DIR, 'enabled_plugins')],
    ['RABBITMQ_MNESIA_BASE', join(DIR, 'mnesia')],
    ['RABBITMQ_LOG_BASE', join(DIR, 'log')],
    ['RABBITMQ_PID_FILE', join(DIR, 'rabbitmq.pid')],
    ['RABBITMQ_CONF_ENV_FILE', join(DIR, 'rabbitmq-env.conf.absent')],
    ['RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS', '-kernel inet_dist_use_interface {127,0,0,1}'],
    ['ERL_EPMD_ADDRESS', '127.0.0.1'],
  ];

  it.each(expected)('sets %s to %s', (key, value) => {
    expect(brokerEnvironment(spec, base)[key]).toBe(value);
  });

  it('sets no RABBITMQ_ or ERL_ variable other than its own', () => {
    const env = brokerEnvironment(spec, base);
    const own = Object.keys(env).filter((key) => /^(RABBITMQ_|ERL_)/.test(key));
    expect(own.sort()).toStrictEqual(expected.map(([key]) => key).sort());
  });

  it.each([
    'RABBITMQ_ENABLED_PLUGINS',
    'RABBITMQ_CONFIG_FILES',
    'RABBITMQ_ADVANCED_CONFIG_FILE',
    'ERL_FLAGS',
    'ERL_LIBS',
    'ERL_EPMD_PORT',
  ])('drops the inherited %s', (key) => {
    expect(brokerEnvironment(spec, base)).not.toHaveProperty(key);
  });

  it('sets HOME to the broker home inside its directory', () => {
    expect(brokerEnvironment(spec, base).HOME).toBe(join(DIR, 'home'));
  });

  it.each(['PATH', 'LANG'])('keeps the unrelated variable %s', (key) => {
    expect(brokerEnvironment(spec, base)[key]).toBe(base[key]);
  });

  it('leaves the base environment untouched', () => {
    const copy = { ...base };
    brokerEnvironment(spec, base);
    expect(base).toStrictEqual(copy);
  });
});
