import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, resourcesOf, synthesize } from './test-support/synthesize.js';

// The optional set-ups, two synths: a custom domain with a created certificate and WAF in eu-west-1 (plus
// Aurora, a single Redis node, ARM64 and overridden stream timings), and one bringing its own ARNs. The
// first passes CDK's CloudFormation linter with its findings made errors (the second adds no resource type).
const strict = { validateTemplates: true, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } };
const domain = { name: 'chat.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
const large = synthesize({
  region: 'eu-west-1',
  edge: { domain, waf: { requestsPerFiveMinutesPerAddress: 1_500 } },
  database: { engine: 'aurora-serverless-v2', minCapacityAcu: 0.5, maxCapacityAcu: 8, multiAz: true },
  cache: { engine: 'redis', replicas: 0 },
  service: { cpuArchitecture: 'ARM64', minTasks: 3, maxTasks: 12 },
  streamTiming: { heartbeatIntervalMs: 20_000, drainTimeoutMs: 60_000 },
}, strict);
const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/streamgate/0123abcd-0123-4567-89ab-0123456789ab';
const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab';
const ownArns = synthesize({ region: 'eu-central-1', edge: { domain: { ...domain, certificateArn }, webAclArn } });

function distributionConfig(template: typeof large.cdn): Record<string, any> {
  return (onlyResource(template, 'AWS::CloudFront::Distribution').properties as { DistributionConfig: Record<string, any> }).DistributionConfig;
}

test('a CloudFront-scoped WAF and viewer certificate live in a us-east-1 stack whatever the deployment region', () => {
  assert.ok(large.globalEdge && large.stacks.globalEdge);
  assert.equal(large.stacks.globalEdge.region, 'us-east-1');
  assert.equal(large.stacks.cdn.region, 'eu-west-1');
  large.globalEdge.hasResourceProperties('AWS::WAFv2::WebACL', {
    Scope: 'CLOUDFRONT',
    DefaultAction: { Allow: {} },
    Rules: Match.arrayWith([Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1_500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } })]),
  });
  assert.doesNotMatch(JSON.stringify(large.globalEdge.toJSON()), /AWSManagedRulesCommonRuleSet/, 'its 8 KB body rule would block long chat requests');
  large.globalEdge.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'chat.example.com', ValidationMethod: 'DNS' });
  const config = distributionConfig(large.cdn);
  assert.match(JSON.stringify(config.WebACLId), /"Region":"us-east-1".*WebAcl/);
  assert.match(JSON.stringify(config.ViewerCertificate.AcmCertificateArn), /"Region":"us-east-1".*ViewerCertificate/);
  assert.deepEqual(config.Aliases, ['chat.example.com']);
  assert.equal(config.ViewerCertificate.MinimumProtocolVersion, 'TLSv1.2_2021');
});

test('a custom domain gets TLS from CloudFront to the ALB: origin.<domain>, one HTTPS listener, one prefix-list rule on 443', () => {
  const origin = distributionConfig(large.cdn).Origins.find((candidate: Record<string, any>) => candidate.CustomOriginConfig);
  assert.equal(origin.DomainName, 'origin.chat.example.com');
  assert.equal(origin.CustomOriginConfig.OriginProtocolPolicy, 'https-only');
  large.service.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
  large.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: Match.anyValue() }] });
  large.service.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'origin.chat.example.com' });
  large.service.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.chat.example.com.', Type: 'A' });
  const prefixListRules = Object.values(resourcesOf(large.network, 'AWS::EC2::SecurityGroupIngress')).filter((rule) => rule.Properties.SourcePrefixListId);
  assert.deepEqual(prefixListRules.map((rule) => [rule.Properties.FromPort, rule.Properties.ToPort]), [[443, 443]]);
  for (const type of ['A', 'AAAA']) large.cdn.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'chat.example.com.', Type: type, AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }) });
  const outputs = large.cdn.toJSON().Outputs as Record<string, { Value: unknown }>;
  assert.equal(outputs.Url?.Value, 'https://chat.example.com');
  assert.equal(outputs.WebSocketUrl?.Value, 'wss://chat.example.com/ws/sessions/<session-id>/chat');
});

test('a web ACL and certificate brought as ARNs are used as they are, with no us-east-1 stack', () => {
  assert.equal(ownArns.globalEdge, undefined);
  assert.equal(ownArns.assembly.stacks.length, 4);
  const config = distributionConfig(ownArns.cdn);
  assert.equal(config.WebACLId, webAclArn);
  assert.equal(config.ViewerCertificate.AcmCertificateArn, certificateArn);
});

test('Aurora Serverless v2: encrypted, in the isolated subnets, private, scaled between the configured capacities', () => {
  large.data.resourceCountIs('AWS::RDS::DBCluster', 1);
  large.data.hasResourceProperties('AWS::RDS::DBCluster', {
    Engine: 'aurora-postgresql',
    StorageEncrypted: true,
    ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
  });
  const instances = Object.values(resourcesOf(large.data, 'AWS::RDS::DBInstance')).map((instance) => instance.Properties);
  assert.equal(instances.length, 2, 'a writer and, with multiAz, a reader in another zone');
  for (const instance of instances) {
    assert.equal(instance.PubliclyAccessible, false);
    assert.equal(instance.DBInstanceClass, 'db.serverless');
  }
  assert.match(JSON.stringify(onlyResource(large.data, 'AWS::RDS::DBSubnetGroup').properties.SubnetIds), /dataSubnet1.*dataSubnet2/);
});

test('Redis with no replica is one node, still with TLS, AUTH and encryption at rest', () => {
  large.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
    Engine: 'redis',
    NumCacheClusters: 1,
    AutomaticFailoverEnabled: false,
    MultiAZEnabled: false,
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: true,
    AuthToken: Match.anyValue(),
  });
});

test('overridden heartbeat and drain reach the container and size the stop timeout; ARM64 builds an arm64 image', () => {
  const container = (onlyResource(large.service, 'AWS::ECS::TaskDefinition').properties.ContainerDefinitions as Record<string, any>[])[0]!;
  const environment = Object.fromEntries((container.Environment as { Name: string; Value: string }[]).map((entry) => [entry.Name, entry.Value]));
  assert.equal(environment.HEARTBEAT_INTERVAL_MS, '20000');
  assert.equal(environment.DRAIN_TIMEOUT_MS, '60000');
  assert.equal(environment.AWS_REGION, 'eu-west-1');
  assert.equal(container.StopTimeout, 75);
  large.service.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
  large.service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 12 });
  large.service.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
});
