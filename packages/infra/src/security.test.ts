import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { ORIGIN_VERIFY_HEADER_NAME } from '@streamgate/protocol';
import { MANAGED_ENVIRONMENT } from './config/setting-rules.js';
import { BEDROCK_ACTIONS } from './service/bedrock-access.js';
import { onlyResource, PRODUCTION_SETTINGS, resourcesOf, synthesize } from './test-support/synthesize.js';

// Who can reach what, and what holds secrets. One synth of the production-like settings plus a configured
// secret, shared by every test.
const configuredSecretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf';
const app = synthesize({ ...PRODUCTION_SETTINGS, gateway: { generateJwtSecret: true, secretEnvironment: { OPENAI_COMPATIBLE_API_KEY: configuredSecretArn } } });

function securityGroupId(template: typeof app.network, description: RegExp): string {
  const found = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).filter(([, group]) => description.test(String(group.Properties.GroupDescription)));
  assert.equal(found.length, 1, `one security group matching ${description}`);
  return found[0]![0];
}

function ingressRulesOf(groupId: string): Record<string, unknown>[] {
  return Object.values(resourcesOf(app.network, 'AWS::EC2::SecurityGroupIngress'))
    .map((rule) => rule.Properties)
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] }));
}

test('ALB reachable only from CloudFront: one prefix-list rule, a secret header, 403 for everything else', () => {
  const loadBalancerGroup = securityGroupId(app.network, /^StreamGate ALB/);
  const rules = ingressRulesOf(loadBalancerGroup);
  // One rule only: the origin-facing list weighs ~55 rules against a security group's 60.
  assert.equal(rules.length, 1);
  assert.deepEqual(rules[0]!.SourcePrefixListId, { 'Fn::GetAtt': [Object.keys(resourcesOf(app.network, 'Custom::AWS'))[0], 'PrefixLists.0.PrefixListId'] });
  assert.equal(rules[0]!.FromPort, 80);
  app.network.hasResourceProperties('Custom::AWS', { Create: Match.stringLikeRegexp('com\\.amazonaws\\.global\\.cloudfront\\.origin-facing') });
  const inline = resourcesOf(app.network, 'AWS::EC2::SecurityGroup')[loadBalancerGroup]!.Properties.SecurityGroupIngress;
  assert.equal(inline, undefined, 'no inline 0.0.0.0/0 rule');
  for (const template of app.all) {
    // No security group anywhere admits the whole internet, inline or as a separate rule.
    for (const group of Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'))) assert.equal(group.Properties.SecurityGroupIngress, undefined);
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0' }, 0);
  }

  app.service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }],
  });
  const rule = onlyResource(app.service, 'AWS::ElasticLoadBalancingV2::ListenerRule').properties as { Conditions: { Field: string; HttpHeaderConfig: { HttpHeaderName: string; Values: unknown[] } }[]; Actions: { Type: string }[] };
  assert.equal(rule.Conditions[0]!.Field, 'http-header');
  assert.equal(rule.Conditions[0]!.HttpHeaderConfig.HttpHeaderName, ORIGIN_VERIFY_HEADER_NAME);
  assert.equal(rule.Actions[0]!.Type, 'forward');
  // The very same generated secret is what CloudFront sends.
  const secretReference = JSON.stringify(rule.Conditions[0]!.HttpHeaderConfig.Values[0]);
  assert.match(secretReference, /\{\{resolve:secretsmanager:.*OriginVerify.*:SecretString:::\}\}/);
  const distribution = onlyResource(app.cdn, 'AWS::CloudFront::Distribution').properties as { DistributionConfig: { Origins: { OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[] } };
  const headers = distribution.DistributionConfig.Origins.flatMap((origin) => origin.OriginCustomHeaders ?? []);
  assert.deepEqual(headers.map((header) => [header.HeaderName, JSON.stringify(header.HeaderValue)]), [[ORIGIN_VERIFY_HEADER_NAME, secretReference]]);
});

test('no secret in any task definition\'s plain environment: every credential arrives as an ECS secret', () => {
  const taskDefinitions = app.all.flatMap((template) => Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition')));
  assert.equal(taskDefinitions.length, 1);
  for (const definition of taskDefinitions) {
    for (const container of definition.Properties.ContainerDefinitions as { Environment?: { Name: string; Value: unknown }[]; Secrets?: { Name: string; ValueFrom: unknown }[] }[]) {
      for (const { Name, Value } of container.Environment ?? []) {
        assert.doesNotMatch(Name, /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL|^DATABASE_URL$|^REDIS_URL$|^ORIGIN_VERIFY_HEADER$/, `${Name} is in the plain environment`);
        assert.doesNotMatch(JSON.stringify(Value), /resolve:secretsmanager|rediss?:\/\/|postgres(ql)?:\/\//, `${Name} carries a secret value`);
      }
      const secrets = Object.fromEntries((container.Secrets ?? []).map((secret) => [secret.Name, JSON.stringify(secret.ValueFrom)]));
      assert.deepEqual(Object.keys(secrets).sort(), ['ADMIN_API_KEY', 'DATABASE_URL', 'JWT_SECRET', 'OPENAI_COMPATIBLE_API_KEY', 'ORIGIN_VERIFY_HEADER', 'REDIS_URL']);
      assert.equal(secrets.OPENAI_COMPATIBLE_API_KEY, JSON.stringify(configuredSecretArn));
      for (const name of ['ADMIN_API_KEY', 'DATABASE_URL', 'REDIS_URL', 'ORIGIN_VERIFY_HEADER']) assert.ok(name in MANAGED_ENVIRONMENT);
    }
  }
  // The composed URL secrets hold only references, resolved by CloudFormation at deploy time.
  for (const secret of Object.values(resourcesOf(app.data, 'AWS::SecretsManager::Secret'))) {
    const value = JSON.stringify(secret.Properties.SecretString ?? '');
    assert.doesNotMatch(value.replace(/\{\{resolve:secretsmanager:[^}]*\}\}/g, ''), /:\/\/[^:"]*:[A-Za-z0-9]{8,}@/, 'no literal password in a URL');
  }
});

test('data stores not publicly reachable: isolated subnets, encrypted, TLS, AUTH, and reachable only from the tasks', () => {
  app.data.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false, StorageEncrypted: true, DeletionProtection: true });
  app.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: 'required',
    AtRestEncryptionEnabled: true,
    AuthToken: Match.objectLike({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', Match.anyValue(), ':SecretString:::}}']] }),
  });
  // Both subnet groups use the 'data' subnets, whose route tables have no route out at all.
  for (const type of ['AWS::RDS::DBSubnetGroup', 'AWS::ElastiCache::SubnetGroup']) {
    assert.match(JSON.stringify(onlyResource(app.data, type).properties.SubnetIds), /PublishOutputRefVpcdataSubnet1.*PublishOutputRefVpcdataSubnet2/);
  }
  const routes = Object.values(resourcesOf(app.network, 'AWS::EC2::Route')).map((route) => JSON.stringify(route.Properties.RouteTableId));
  assert.ok(routes.length > 0);
  assert.equal(routes.filter((table) => table.includes('dataSubnet')).length, 0, 'isolated subnets have no default route');

  const serviceGroup = securityGroupId(app.network, /tasks: from the ALB only/);
  for (const [description, port] of [[/ElastiCache/, 6379], [/PostgreSQL/, 5432]] as const) {
    const rules = ingressRulesOf(securityGroupId(app.network, description));
    assert.deepEqual(rules.map((rule) => [rule.SourceSecurityGroupId, rule.FromPort, rule.ToPort]), [[{ 'Fn::GetAtt': [serviceGroup, 'GroupId'] }, port, port]]);
  }
  for (const template of app.all) template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0' }, 0);
});

test('least-privilege task role: only the Bedrock invoke actions, only on the configured models, agent and runtime', () => {
  const roles = resourcesOf(app.service, 'AWS::IAM::Role');
  const taskRoleId = Object.keys(roles).find((id) => id.includes('TaskRole'))!;
  const policies = Object.values(resourcesOf(app.service, 'AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: taskRoleId }]));
  assert.equal(policies.length, 1);
  const statements = (policies[0]!.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown; Effect: string }[] }).Statement;
  const allowed = new Set<string>(BEDROCK_ACTIONS);
  for (const statement of statements) {
    for (const action of [statement.Action].flat()) assert.ok(allowed.has(action), `${action} is not a Bedrock invoke action`);
    for (const resource of [statement.Resource].flat()) assert.notEqual(resource, '*');
  }
  const resources = JSON.stringify(statements.map((statement) => statement.Resource));
  assert.match(resources, /foundation-model\/amazon\.nova-lite-v1:0/);
  assert.match(resources, /inference-profile\/us\.anthropic\.claude-3-5-haiku-20241022-v1:0/);
  assert.match(resources, /arn:\S+:bedrock:\*::foundation-model\/anthropic\.claude-3-5-haiku-20241022-v1:0/);
  assert.match(resources, /foundation-model\/amazon\.titan-embed-text-v2:0/);
  assert.match(resources, /agent-alias\/ABCDEFGHIJ\/TSTALIASID/);
  assert.match(resources, /runtime\/my_agent-AbCdE12345","arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime\/my_agent-AbCdE12345\/runtime-endpoint\/\*"/);
  assert.doesNotMatch(resources, /foundation-model\/\*/);
  // Secrets are read by the execution role at task start, never by the task role.
  const executionPolicy = JSON.stringify(resourcesOf(app.service, 'AWS::IAM::Policy'));
  assert.match(executionPolicy, /secretsmanager:GetSecretValue/);
  assert.doesNotMatch(JSON.stringify(statements), /secretsmanager/);
});

test('a gateway without Bedrock models gets a task role with no policy at all', () => {
  const bare = synthesize({});
  const taskRoleId = Object.keys(resourcesOf(bare.service, 'AWS::IAM::Role')).find((id) => id.includes('TaskRole'));
  assert.ok(taskRoleId);
  bare.service.resourcePropertiesCountIs('AWS::IAM::Policy', { Roles: [{ Ref: taskRoleId }] }, 0);
});
