import { BROKER_NODE_NAME } from './rabbitmq-config.js';

/**
 * What the CloudWatch agent on each broker publishes, for the alarms and the
 * dashboard. Memory is per instance; disk is per instance and mount `path`
 * (the data volume and the root volume).
 */
export const BROKER_METRICS = {
  namespace: 'Warren/Broker',
  memoryUsedPercent: 'mem_used_percent',
  diskUsedPercent: 'disk_used_percent',
  /** Mount point of the retained data volume, the `path` dimension of its disk metric. */
  dataPath: '/var/lib/rabbitmq',
  rootPath: '/',
} as const;

/** Where the boot script writes its own log. */
export const BROKER_BOOT_LOG = '/var/log/warren-boot.log';

export interface CloudWatchAgentConfigOptions {
  /** Log group for the RabbitMQ and boot logs (may be a CDK token). */
  readonly logGroupName: string;
  /** @default 60 */
  readonly metricsIntervalSeconds?: number;
}

/**
 * The CloudWatch agent's JSON configuration: RabbitMQ's logs and the boot log
 * to `logGroupName`, one stream per instance and source, and memory and disk
 * usage in `Warren/Broker`, dimensioned by instance id rather than host name.
 *
 * @example writeFileSync('/etc/warren/cloudwatch-agent.json', renderCloudWatchAgentConfig({ logGroupName: '/warren/brokers/b1' }));
 */
export function renderCloudWatchAgentConfig(options: CloudWatchAgentConfigOptions): string {
  const logs = (filePath: string, source: string) => ({
    file_path: filePath,
    log_group_name: options.logGroupName,
    // {instance_id} is filled in by the agent: a replacement instance starts new streams.
    log_stream_name: `{instance_id}/${source}`,
  });
  const config = {
    agent: {
      metrics_collection_interval: options.metricsIntervalSeconds ?? 60,
      omit_hostname: true,
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            logs(`/var/log/rabbitmq/${BROKER_NODE_NAME}.log`, 'rabbitmq'),
            logs(BROKER_BOOT_LOG, 'boot'),
          ],
        },
      },
    },
    metrics: {
      namespace: BROKER_METRICS.namespace,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the agent fills in ${aws:InstanceId}.
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      // The alarms read these exact dimension sets; the raw disk metric also carries fstype.
      aggregation_dimensions: [['InstanceId'], ['InstanceId', 'path']],
      metrics_collected: {
        mem: { measurement: ['used_percent'] },
        disk: {
          measurement: ['used_percent'],
          resources: [BROKER_METRICS.dataPath, BROKER_METRICS.rootPath],
          drop_device: true,
        },
      },
    },
  };
  return `${JSON.stringify(config)}\n`;
}
