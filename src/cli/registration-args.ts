import { InvalidAmqpUrlError, parseAmqpUrl, redactAmqpUrl } from '../core/amqp-endpoint.js';
import { managementEndpointProblem } from '../prober/check-alarms.js';
import type { NodeRegistration } from '../registry/health-registry.js';

/** The raw `warren nodes register` inputs, after the id is known to be valid. */
export interface RegistrationArgs {
  readonly id: string;
  readonly amqpUrl: string;
  readonly managementUrl?: string;
  readonly az?: string;
  readonly labels?: readonly string[];
}

/**
 * Validates what `warren nodes register` was given and builds the registration.
 * Returns a problem message instead (the caller makes it a usage error); no
 * message ever holds a password: URLs are redacted first.
 *
 * @example parseRegistration({ id: 'b4', amqpUrl: 'amqp://10.0.1.8:5672', labels: ['tier=gold'] })
 */
export function parseRegistration(args: RegistrationArgs): NodeRegistration | { problem: string } {
  try {
    const endpoint = parseAmqpUrl(args.amqpUrl);
    if (endpoint.username !== undefined) {
      throw new InvalidAmqpUrlError(
        args.amqpUrl,
        'credentials do not belong in the registry; register the URL without user and password',
      );
    }
  } catch (error) {
    if (error instanceof InvalidAmqpUrlError) return { problem: error.message };
    throw error;
  }
  if (args.managementUrl !== undefined) {
    const problem = managementUrlProblem(args.managementUrl);
    if (problem) return { problem: `--management-url ${problem}` };
  }
  if (args.az === '') return { problem: '--az must not be empty' };
  const labels: Record<string, string> = {};
  for (const label of args.labels ?? []) {
    const equals = label.indexOf('=');
    if (equals <= 0) return { problem: `--label must be KEY=VALUE, not ${JSON.stringify(label)}` };
    const key = label.slice(0, equals);
    if (Object.hasOwn(labels, key)) return { problem: `--label ${key} is given twice` };
    labels[key] = label.slice(equals + 1);
  }
  return {
    id: args.id,
    endpoint: args.amqpUrl,
    ...(args.managementUrl !== undefined && { managementEndpoint: args.managementUrl }),
    ...(args.az !== undefined && { az: args.az }),
    ...(args.labels !== undefined && { labels }),
  };
}

function managementUrlProblem(input: string): string | undefined {
  const shown = JSON.stringify(redactAmqpUrl(input));
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return `${shown} is not a URL (expected https://host:15671)`;
  }
  const unsafe = managementEndpointProblem(url);
  if (unsafe) return `${shown} ${unsafe}`;
  if (url.username !== '' || url.password !== '') {
    return `${shown}: credentials do not belong in the registry; give the URL without user and password`;
  }
  if (url.search !== '' || url.hash !== '') {
    return `${shown}: query strings and fragments are not supported`;
  }
  return undefined;
}
