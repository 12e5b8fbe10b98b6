import { Construct } from 'constructs';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** Props of {@link ServiceDashboard}. */
export interface ServiceDashboardProps {
  readonly dashboardName: string;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly service: ecs.FargateService;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** One CloudWatch dashboard: traffic and errors, latency, open connections (streams), task health and load. */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const { loadBalancer, targetGroup, service } = props;
    const period = Duration.minutes(1);
    const sum = { period, statistic: 'Sum' };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests and errors',
        left: [loadBalancer.metrics.requestCount(sum)],
        right: [loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum), loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, sum), loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, sum)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Target response time (first byte of a stream)',
        left: ['p50', 'p90', 'p99'].map((statistic) => targetGroup.metrics.targetResponseTime({ period, statistic })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Connections (open streams and WebSockets)',
        left: [loadBalancer.metrics.activeConnectionCount(sum), loadBalancer.metrics.newConnectionCount(sum)],
        right: [loadBalancer.metrics.rejectedConnectionCount(sum), loadBalancer.metrics.targetConnectionErrorCount(sum)],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Healthy and unhealthy tasks',
        left: [targetGroup.metrics.healthyHostCount({ period, statistic: 'Minimum' }), targetGroup.metrics.unhealthyHostCount({ period, statistic: 'Maximum' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'CPU and memory (%)',
        left: [service.metricCpuUtilization({ period }), service.metricMemoryUtilization({ period })],
        leftYAxis: { min: 0, max: 100 },
        width: 24,
      }),
    );
  }
}
