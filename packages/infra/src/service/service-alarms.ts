import { Construct } from 'constructs';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { InfraConfig } from '../config/infra-config-schema.js';

/** Props of {@link ServiceAlarms}. */
export interface ServiceAlarmsProps {
  readonly settings: InfraConfig['alarms'];
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly service: ecs.FargateService;
}

/**
 * The alarms an on-call engineer needs, all to one SNS topic (and its e-mail subscriber, if configured):
 * errors from the gateway and from the ALB itself, slow first bytes, unhealthy tasks, CPU and memory.
 */
export class ServiceAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { settings, loadBalancer, targetGroup, service } = props;
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'StreamGate alarms', enforceSSL: true });
    if (settings.email) this.topic.addSubscription(new snsSubscriptions.EmailSubscription(settings.email));

    const minute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);
    this.add('Target5xx', {
      metric: loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: 'Sum' }),
      threshold: 10,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: 'The gateway answered 5xx more than 10 times a minute in 3 of the last 5 minutes',
    });
    this.add('LoadBalancer5xx', {
      metric: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: minute, statistic: 'Sum' }),
      threshold: 10,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: 'The ALB itself answered 5xx (no healthy target, target reset or timed out) more than 10 times a minute',
    });
    this.add('TargetResponseTime', {
      // For a stream this is the time to its first byte (headers), which is what a user waits for.
      metric: targetGroup.metrics.targetResponseTime({ period: fiveMinutes, statistic: 'p99' }),
      threshold: settings.targetResponseTimeSeconds,
      evaluationPeriods: 3,
      alarmDescription: `p99 target response time above ${settings.targetResponseTimeSeconds} s for 15 minutes`,
    });
    this.add('UnhealthyHosts', {
      metric: targetGroup.metrics.unhealthyHostCount({ period: minute, statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: 'A task has failed its /health check for 3 minutes',
    });
    this.add('Cpu', {
      metric: service.metricCpuUtilization({ period: fiveMinutes, statistic: 'Average' }),
      threshold: settings.cpuPercent,
      evaluationPeriods: 3,
      alarmDescription: `Service CPU above ${settings.cpuPercent} % for 15 minutes (autoscaling at its maximum?)`,
    });
    this.add('Memory', {
      metric: service.metricMemoryUtilization({ period: fiveMinutes, statistic: 'Average' }),
      threshold: settings.memoryPercent,
      evaluationPeriods: 3,
      alarmDescription: `Service memory above ${settings.memoryPercent} % for 15 minutes`,
    });
  }

  private add(id: string, props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'> & { comparisonOperator?: cloudwatch.ComparisonOperator }): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No traffic is no error.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    const action = new cloudwatchActions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
