import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { STREAM_TIMING } from '@streamgate/protocol';
import { API_PATH_PATTERNS } from './edge/api-behaviour.js';
import { onlyResource, PRODUCTION_SETTINGS, resourcesOf, synthesize } from './test-support/synthesize.js';

// The traps along the path a stream takes (browser -> CloudFront -> ALB -> Fargate task), each test named
// after the one it prevents. One synth of the production-like settings, shared by every test.
const app = synthesize(PRODUCTION_SETTINGS);

/** Managed CloudFront policy ids (the same in every account). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

function distributionConfig(): { CacheBehaviors: Record<string, unknown>[]; Origins: Record<string, any>[]; CustomErrorResponses?: unknown } {
  return (onlyResource(app.cdn, 'AWS::CloudFront::Distribution').properties as { DistributionConfig: any }).DistributionConfig;
}

function attribute(properties: Record<string, unknown>, listKey: string, key: string): string | undefined {
  return (properties[listKey] as { Key: string; Value: string }[] | undefined)?.find((entry) => entry.Key === key)?.Value;
}

function containerDefinition(): Record<string, any> {
  const definitions = onlyResource(app.service, 'AWS::ECS::TaskDefinition').properties.ContainerDefinitions as Record<string, any>[];
  assert.equal(definitions.length, 1);
  return definitions[0]!;
}

function environmentValue(name: string): string | undefined {
  return (containerDefinition().Environment as { Name: string; Value: string }[]).find((entry) => entry.Name === name)?.Value;
}

test('no API Gateway WebSocket API or NLB in the container path: CloudFront -> ALB (application) -> Fargate targets', () => {
  for (const template of app.all) {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 0);
  }
  app.service.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
  app.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application', Scheme: 'internet-facing' });
  const targetGroup = onlyResource(app.service, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  assert.equal(targetGroup.properties.TargetType, 'ip');
  app.service.hasResourceProperties('AWS::ECS::Service', {
    LaunchType: 'FARGATE',
    LoadBalancers: [{ ContainerName: 'gateway', ContainerPort: 8000, TargetGroupArn: { Ref: targetGroup.id } }],
  });
  // Every API path's origin is the ALB, by the name the Service stack publishes.
  const apiOrigin = distributionConfig().Origins.find((origin) => origin.CustomOriginConfig);
  assert.match(JSON.stringify(apiOrigin?.DomainName), /"StackName":"StreamGate-Service".*LoadBalancer.*DNSName/);
});

test('WebSocket, SSE and API paths are uncached and forward the upgrade headers, auth headers and query strings', () => {
  const behaviours = distributionConfig().CacheBehaviors;
  assert.deepEqual(behaviours.map((behaviour) => behaviour.PathPattern).sort(), [...API_PATH_PATTERNS].sort());
  for (const behaviour of behaviours) {
    assert.equal(behaviour.CachePolicyId, CACHING_DISABLED, `${String(behaviour.PathPattern)} must not be cached`);
    // All viewer headers but Host: Upgrade, Connection, Sec-WebSocket-*, Authorization, X-API-Key, Last-Event-ID, ?ticket=.
    assert.equal(behaviour.OriginRequestPolicyId, ALL_VIEWER_EXCEPT_HOST_HEADER, `${String(behaviour.PathPattern)} must forward viewer headers`);
    assert.deepEqual(behaviour.AllowedMethods, ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    assert.equal(behaviour.ViewerProtocolPolicy, 'redirect-to-https');
    // Compression would hold SSE events back until a buffer fills.
    assert.equal(behaviour.Compress, false);
  }
  // Distribution-wide error pages would replace the API's JSON errors with index.html.
  assert.equal(distributionConfig().CustomErrorResponses, undefined);
});

test('heartbeat below the ALB idle timeout and the CloudFront origin read timeout, with margin, from one shared value', () => {
  const heartbeatMs = Number(environmentValue('HEARTBEAT_INTERVAL_MS'));
  assert.equal(heartbeatMs, STREAM_TIMING.heartbeatIntervalMs, 'the container gets the heartbeat from @streamgate/protocol');
  const loadBalancer = onlyResource(app.service, 'AWS::ElasticLoadBalancingV2::LoadBalancer').properties;
  const idleSeconds = Number(attribute(loadBalancer, 'LoadBalancerAttributes', 'idle_timeout.timeout_seconds'));
  assert.ok(idleSeconds * 1000 >= 2 * heartbeatMs, `ALB idle timeout ${idleSeconds} s vs heartbeat ${heartbeatMs} ms`);
  const originConfig = distributionConfig().Origins.find((origin) => origin.CustomOriginConfig)!.CustomOriginConfig;
  assert.ok(originConfig.OriginReadTimeout * 1000 >= 2 * heartbeatMs, `origin read timeout ${originConfig.OriginReadTimeout} s vs heartbeat ${heartbeatMs} ms`);
  // Idle connections close in order CloudFront -> ALB -> gateway (72 s, Fastify's default), or the next hop answers 502.
  assert.ok(originConfig.OriginKeepaliveTimeout < idleSeconds);
  assert.ok(idleSeconds < 72);
});

test('drain below the stop timeout: SIGKILL never lands while streams are still draining', () => {
  const container = containerDefinition();
  const drainMs = Number(environmentValue('DRAIN_TIMEOUT_MS'));
  assert.equal(drainMs, STREAM_TIMING.drainTimeoutMs, 'the container gets the drain timeout from @streamgate/protocol');
  assert.ok(container.StopTimeout * 1000 > drainMs, `stopTimeout ${container.StopTimeout} s vs drain ${drainMs} ms`);
  assert.ok(container.StopTimeout <= STREAM_TIMING.fargateMaxStopTimeoutSeconds);
});

test('deregistration delay explicit and sized for streaming, not the silent 300 s default', () => {
  const targetGroup = onlyResource(app.service, 'AWS::ElasticLoadBalancingV2::TargetGroup').properties;
  const delay = attribute(targetGroup, 'TargetGroupAttributes', 'deregistration_delay.timeout_seconds');
  assert.notEqual(delay, undefined, 'the attribute must be in the template');
  assert.equal(Number(delay), app.config.loadBalancer.deregistrationDelaySeconds);
  // ECS waits this long before SIGTERM and the ALB then closes what is open: at least as long as the drain.
  assert.ok(Number(delay) * 1000 >= Number(environmentValue('DRAIN_TIMEOUT_MS')));
  assert.ok(Number(delay) >= 60, 'long enough for a typical model stream to finish on the old task');
});

test('health check on /health, not /ready: a Redis outage must not mark every task unhealthy', () => {
  app.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health', Matcher: { HttpCode: '200' } });
  assert.doesNotMatch(JSON.stringify(app.service.toJSON()), /"\/ready"/);
});

test('the service keeps two tasks, rolls back a failed deploy and scales on CPU and requests per task', () => {
  app.service.hasResourceProperties('AWS::ECS::Service', {
    DesiredCount: 2,
    DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
    NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
  });
  app.service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: PRODUCTION_SETTINGS.service.maxTasks });
  const metrics = Object.values(resourcesOf(app.service, 'AWS::ApplicationAutoScaling::ScalingPolicy')).map(
    (policy) => (policy.Properties.TargetTrackingScalingPolicyConfiguration as { PredefinedMetricSpecification: { PredefinedMetricType: string } }).PredefinedMetricSpecification.PredefinedMetricType,
  );
  assert.deepEqual(metrics.sort(), ['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
  app.service.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: Match.arrayWith([{ Name: 'containerInsights', Value: 'enabled' }]) });
});

test('logs go to a group with a retention, without blocking the event loop', () => {
  app.service.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: app.config.service.logRetentionDays });
  assert.equal(containerDefinition().LogConfiguration.Options.mode, 'non-blocking');
});

test('alarms on 5xx, target response time, unhealthy hosts, CPU and memory reach the SNS topic; one dashboard', () => {
  const topic = onlyResource(app.service, 'AWS::SNS::Topic');
  app.service.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: PRODUCTION_SETTINGS.alarms.email });
  const alarms = Object.values(resourcesOf(app.service, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
  assert.deepEqual(
    alarms.map((alarm) => alarm.MetricName).sort(),
    ['CPUUtilization', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'MemoryUtilization', 'TargetResponseTime', 'UnHealthyHostCount'],
  );
  for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic.id }]);
  app.service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
});
