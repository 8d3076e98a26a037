import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PROBER_METRICS } from '../src/prober/prober-metrics.js';
import { PUBLISH_METRICS } from '../src/service/publish-metrics.js';
import { BROKER_METRICS } from './broker/cloudwatch-agent-config.js';

/** Where the prober's Powertools metrics land, by the names the prober emits them with. */
const PROBER_METRIC = {
  namespace: PROBER_METRICS.namespace,
  dimensionsMap: { service: PROBER_METRICS.service },
} as const;
const NAMES = PROBER_METRICS.names;
const PUBLISH = PUBLISH_METRICS.names;

/** Thresholds of the service alarms. */
export const SERVICE_ALARM_THRESHOLDS = {
  /** Publishing survives one broker loss only while at least two are eligible. */
  minEligibleBrokers: 2,
  /** Share of publish invocations that failed or answered 5xx (503: no broker accepted). */
  publishErrorRatePercent: 5,
} as const;

export interface ServiceMonitoringProps {
  readonly publishFunction: IFunction;
  readonly proberFunction: IFunction;
  /** The registry table, whose throttled requests are alarmed on. */
  readonly table: ITableV2;
  readonly alarmTopic: ITopic;
}

/**
 * warren's service alarms (eligible brokers, prober errors, stale registry,
 * publisher panic mode, publisher cut off from the registry, publish error
 * rate, registry reads or writes throttled) and its dashboard, brokers'
 * memory and disk included.
 *
 * @example new ServiceMonitoring(this, 'Monitoring', { publishFunction, proberFunction, alarmTopic });
 */
export class ServiceMonitoring extends Construct {
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const minute = Duration.minutes(1);
    const prober = (metricName: string, statistic: string) =>
      new Metric({ ...PROBER_METRIC, metricName, statistic, period: minute });

    const eligible = prober(NAMES.eligibleBrokers, 'Minimum');
    const rounds = prober(NAMES.probeRounds, 'Sum');
    const proberErrors = new MathExpression({
      label: 'prober errors',
      // A round whose fleet snapshot failed wrote health that publishers do not see.
      expression: 'FILL(lambdaErrors, 0) + FILL(invocationErrors, 0) + FILL(snapshotFailures, 0)',
      usingMetrics: {
        lambdaErrors: props.proberFunction.metricErrors({ period: minute }),
        invocationErrors: prober(NAMES.invocationErrors, 'Sum'),
        snapshotFailures: prober(NAMES.snapshotFailures, 'Sum'),
      },
      period: minute,
    });
    const published = (
      metricName: string,
      statistic: string,
      dimensions: Readonly<Record<string, string>> = {},
    ) =>
      new Metric({
        namespace: PUBLISH_METRICS.namespace,
        dimensionsMap: { service: PUBLISH_METRICS.service, ...dimensions },
        metricName,
        statistic,
        period: minute,
      });
    const publishInvocations = props.publishFunction.metricInvocations({ period: minute });
    // A direct invoke answered 503 is a successful invocation: only the request metric sees it.
    const invoke5xx = published(PUBLISH.requests, 'Sum', {
      [PUBLISH_METRICS.dimensions.transport]: 'invoke',
      [PUBLISH_METRICS.dimensions.statusClass]: '5xx',
    });
    const publishErrorRate = new MathExpression({
      label: 'publish error rate (%)',
      expression:
        'IF(invocations > 0, 100 * (FILL(errors, 0) + FILL(url5xx, 0) + FILL(invoke5xx, 0)) / invocations, 0)',
      usingMetrics: {
        invocations: publishInvocations,
        errors: props.publishFunction.metricErrors({ period: minute }),
        url5xx: props.publishFunction.metric('Url5xxCount', { period: minute, statistic: 'Sum' }),
        invoke5xx,
      },
      period: minute,
    });

    /** Fires when `metric` is 1 or more in 3 of 5 minutes; no data is no event. */
    const seenIn3Of5Minutes = (id: string, alarmDescription: string, metric: IMetric) =>
      new Alarm(this, id, {
        alarmDescription,
        metric,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    // A throttled snapshot read falls back to the last known good view; throttled prober writes
    // leave health or the snapshot behind. Either way one partition's limit binds (more copies,
    // docs/registry-cost.md), which on-demand billing does not lift.
    const throttles = (metricName: string) =>
      props.table.metric(metricName, { statistic: 'Sum', period: minute });
    const readThrottles = throttles('ReadThrottleEvents');
    const writeThrottles = throttles('WriteThrottleEvents');
    const alarms = [
      seenIn3Of5Minutes(
        'RegistryReadThrottled',
        'Registry reads were throttled (ReadThrottleEvents): publishers route on older views; add fleet snapshot copies (warren:registrySnapshotCopies)',
        readThrottles,
      ),
      seenIn3Of5Minutes(
        'RegistryWriteThrottled',
        'Registry writes were throttled (WriteThrottleEvents): health or the fleet snapshot may lag behind the probes',
        writeThrottles,
      ),
      new Alarm(this, 'FewEligibleBrokers', {
        alarmDescription: `Fewer than ${SERVICE_ALARM_THRESHOLDS.minEligibleBrokers} brokers are eligible: one more failure stops or concentrates publishing`,
        metric: eligible,
        threshold: SERVICE_ALARM_THRESHOLDS.minEligibleBrokers,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      seenIn3Of5Minutes(
        'ProberErrors',
        'The prober failed (Lambda error, reported invocation error, or a fleet snapshot it could not publish)',
        proberErrors,
      ),
      new Alarm(this, 'RegistryStale', {
        alarmDescription:
          'No probe round ran: the registry is going stale and publishers fall back to panic mode',
        metric: rounds,
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        // No data at all means no prober ran.
        treatMissingData: TreatMissingData.BREACHING,
      }),
      seenIn3Of5Minutes(
        'PublishPanicMode',
        'Publish requests were routed in panic mode (too few eligible brokers, or no trustworthy registry): every active broker is tried, healthy or not',
        published(PUBLISH.panicRequests, 'Sum'),
      ),
      seenIn3Of5Minutes(
        'PublisherRegistryUnreachable',
        'The publish function could not read the registry and routed on its last known good view',
        published(PUBLISH.staleViewFallbacks, 'Sum'),
      ),
      new Alarm(this, 'PublishErrorRate', {
        alarmDescription: `More than ${SERVICE_ALARM_THRESHOLDS.publishErrorRatePercent}% of publish invocations failed or answered 5xx`,
        metric: publishErrorRate,
        threshold: SERVICE_ALARM_THRESHOLDS.publishErrorRatePercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    const notify = new SnsAction(props.alarmTopic);
    for (const alarm of alarms) alarm.addAlarmAction(notify);
    this.alarms = alarms;

    // Per-broker series are found by search, so brokers added later appear without a redeploy.
    const search = (namespaceAndDims: string, metricName: string, statistic: string) =>
      new MathExpression({
        expression: `SEARCH('{${namespaceAndDims}} MetricName="${metricName}"', '${statistic}', 300)`,
        label: '',
        period: Duration.minutes(5),
      });
    const dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# warren\nBrokers, registry health and publishing. Alarms notify the warren alarm topic.',
        width: 24,
        height: 2,
      }),
      new SingleValueWidget({ title: 'Eligible brokers', metrics: [eligible], width: 6 }),
      new GraphWidget({
        title: 'Probe latency by broker (ms)',
        left: [search(`${PROBER_METRICS.namespace},NodeId,service`, NAMES.probeLatency, 'Average')],
        width: 9,
      }),
      new GraphWidget({
        title: 'Probe rounds and prober errors',
        left: [rounds, proberErrors],
        width: 9,
      }),
      new GraphWidget({
        title: 'Publish invocations and error rate',
        left: [publishInvocations],
        right: [publishErrorRate],
        width: 12,
      }),
      new GraphWidget({
        title: 'Publish duration (ms)',
        left: [
          props.publishFunction.metricDuration({ statistic: 'p50', period: minute }),
          props.publishFunction.metricDuration({ statistic: 'p99', period: minute }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Messages accepted and failed',
        left: [
          published(PUBLISH.acceptedMessages, 'Sum'),
          published(PUBLISH.failedMessages, 'Sum'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Publish latency (ms) and requests by transport and status class',
        left: [published(PUBLISH.latency, 'p50'), published(PUBLISH.latency, 'p99')],
        right: [
          search(
            `${PUBLISH_METRICS.namespace},StatusClass,Transport,service`,
            PUBLISH.requests,
            'Sum',
          ),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Failed-over copies and broker attempt failures by broker',
        left: [published(PUBLISH.failoverMessages, 'Sum')],
        right: [
          search(`${PUBLISH_METRICS.namespace},NodeId,service`, PUBLISH.attemptFailures, 'Sum'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Panic-mode requests and stale-view fallbacks',
        left: [
          published(PUBLISH.panicRequests, 'Sum'),
          published(PUBLISH.staleViewFallbacks, 'Sum'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Registry throttled requests',
        left: [readThrottles, writeThrottles],
        width: 12,
      }),
      new GraphWidget({
        title: 'Broker memory used (%)',
        left: [
          search(
            `${BROKER_METRICS.namespace},InstanceId`,
            BROKER_METRICS.memoryUsedPercent,
            'Maximum',
          ),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Broker data volume used (%)',
        left: [
          search(
            `${BROKER_METRICS.namespace},InstanceId,path`,
            BROKER_METRICS.diskUsedPercent,
            'Maximum',
          ),
        ],
        width: 12,
      }),
    );
  }
}
