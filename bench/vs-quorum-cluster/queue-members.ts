/** What `rabbitmqctl list_queues name leader members online --quiet` says of one quorum queue. */
export interface QueueMembers {
  /** Erlang node name of the leader; '' while there is none. */
  readonly leader: string;
  readonly members: readonly string[];
  readonly online: readonly string[];
}

/** Parses the tab-separated `list_queues` line for `queue`; throws when it is missing. */
export function parseQueueMembers(output: string, queue: string): QueueMembers {
  const line = output.split('\n').find((l) => l.split('\t')[0] === queue);
  if (line === undefined) throw new Error(`${queue} not listed`);
  const [, leader = '', members = '', online = ''] = line.split('\t');
  return { leader: leader.trim(), members: nodeList(members), online: nodeList(online) };
}

/** `[a@localhost, b@localhost]` → ['a@localhost', 'b@localhost']. */
const nodeList = (text: string) =>
  text
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
