import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Ec2Action, Ec2InstanceAction, SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BROKER_METRICS } from './broker/cloudwatch-agent-config.js';

export interface BrokerAlarmsProps {
  readonly nodeId: string;
  readonly instanceId: string;
  readonly alarmTopic: ITopic;
}

/**
 * A broker's own alarms: EC2 host failure (which also recovers the instance),
 * memory and data-disk use from the CloudWatch agent. All notify the alarm topic.
 *
 * @example addBrokerAlarms(this, { nodeId: 'b1', instanceId: instance.instanceId, alarmTopic });
 */
export function addBrokerAlarms(scope: Construct, props: BrokerAlarmsProps): void {
  const { nodeId, instanceId } = props;
  const notify = new SnsAction(props.alarmTopic);
  // A failed host is replaced by EC2 with the same instance id, IP and volumes.
  const systemCheck = new Alarm(scope, 'SystemStatusCheckFailed', {
    alarmDescription: `warren broker ${nodeId}: EC2 system status check failed; recovering the instance`,
    metric: new Metric({
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed_System',
      dimensionsMap: { InstanceId: instanceId },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
  });
  systemCheck.addAlarmAction(new Ec2Action(Ec2InstanceAction.RECOVER), notify);

  const agentMetric = (metricName: string, dimensionsMap: Record<string, string>) =>
    new Metric({
      namespace: BROKER_METRICS.namespace,
      metricName,
      dimensionsMap,
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
  const alarms = [
    new Alarm(scope, 'MemoryHigh', {
      alarmDescription: `warren broker ${nodeId}: memory above 85% (RabbitMQ blocks publishers at its watermark)`,
      metric: agentMetric(BROKER_METRICS.memoryUsedPercent, { InstanceId: instanceId }),
      threshold: 85,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    }),
    new Alarm(scope, 'DataDiskHigh', {
      alarmDescription: `warren broker ${nodeId}: data volume above 80% (RabbitMQ blocks publishers near its disk limit)`,
      metric: agentMetric(BROKER_METRICS.diskUsedPercent, {
        InstanceId: instanceId,
        path: BROKER_METRICS.dataPath,
      }),
      threshold: 80,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    }),
  ];
  for (const alarm of alarms) alarm.addAlarmAction(notify);
}
