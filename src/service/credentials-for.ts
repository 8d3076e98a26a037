import type { AmqpCredentialsSource } from '../amqp/amqp-credentials.js';
import type { CredentialsFor } from '../publish/broker-pool.js';

/**
 * One credentials source for every broker: within its max age the cached pair;
 * after a broker refused a pair, the secret read again (once, shared).
 *
 * @example createPublishService(settings, { registry, credentialsFor: credentialsFromSource(source) });
 */
export function credentialsFromSource(source: AmqpCredentialsSource): CredentialsFor {
  return (_target, refused) => (refused ? source.refresh(refused) : source.get());
}
