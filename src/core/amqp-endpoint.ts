/** An AMQP URL that could not be used as a broker endpoint. */
export class InvalidAmqpUrlError extends Error {
  readonly input: string;
  constructor(input: string, reason: string) {
    super(`invalid AMQP URL ${JSON.stringify(redactAmqpUrl(input))}: ${reason}`);
    this.name = 'InvalidAmqpUrlError';
    this.input = input;
  }
}

export interface AmqpEndpoint {
  readonly protocol: 'amqp' | 'amqps';
  readonly host: string;
  readonly port: number;
  readonly vhost: string;
  readonly username?: string;
  readonly password?: string;
}

const DEFAULT_PORTS = { amqp: 5672, amqps: 5671 } as const;

/**
 * Parses `amqp[s]://[user[:password]@]host[:port][/vhost]`, the form amqplib accepts.
 *
 * @example parseAmqpUrl('amqp://guest:guest@127.0.0.1:5673').port // 5673
 */
export function parseAmqpUrl(input: string): AmqpEndpoint {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidAmqpUrlError(input, 'not a URL (expected amqp://host:port)');
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'amqp' && protocol !== 'amqps') {
    throw new InvalidAmqpUrlError(input, `scheme must be amqp or amqps, not ${protocol}`);
  }
  if (url.hostname === '') throw new InvalidAmqpUrlError(input, 'host is missing');
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidAmqpUrlError(input, 'query strings and fragments are not supported');
  }
  const path = url.pathname;
  if (path.length > 1 && path.slice(1).includes('/')) {
    throw new InvalidAmqpUrlError(input, 'vhost must be a single path segment (encode / as %2F)');
  }
  const port = url.port === '' ? DEFAULT_PORTS[protocol] : Number(url.port);
  if (port === 0) throw new InvalidAmqpUrlError(input, 'port 0 is not a broker port');
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new InvalidAmqpUrlError(input, `malformed percent-escape in the ${what}`);
    }
  };
  const endpoint: AmqpEndpoint = {
    protocol,
    // Hosts are case-insensitive; one spelling keeps registry endpoints comparable.
    host: url.hostname.toLowerCase(),
    port,
    vhost: path.length > 1 ? decode(path.slice(1), 'vhost') : '/',
  };
  if (url.username === '') return endpoint;
  return {
    ...endpoint,
    username: decode(url.username, 'user name'),
    password: decode(url.password, 'password'),
  };
}

/** The endpoint as stored in the registry: never any credentials. */
export function formatEndpoint(endpoint: AmqpEndpoint): string {
  const vhost = endpoint.vhost === '/' ? '' : `/${encodeURIComponent(endpoint.vhost)}`;
  return `${endpoint.protocol}://${endpoint.host}:${endpoint.port}${vhost}`;
}

/** Adds credentials to a registry endpoint, for connecting. */
export function withCredentials(endpoint: string, username: string, password: string): string {
  const url = new URL(endpoint);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Hides the password of any URL-looking string, for logs and error messages.
 *
 * @example redactAmqpUrl('amqp://app:s3cret@mq:5672') // 'amqp://app:***@mq:5672'
 */
export function redactAmqpUrl(input: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(input);
  if (!match) return input;
  const [, scheme, rest = ''] = match;
  // URL parsers split credentials from the host at the last "@", and a password may hold "/" or "@".
  const at = rest.lastIndexOf('@');
  if (at < 0) return input;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return input;
  return `${scheme}${userInfo.slice(0, colon)}:***@${rest.slice(at + 1)}`;
}
