import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { buildApp } from './build-app.js';
import { parseInfraConfig } from './config/load-infra-config.js';
import { createStreamGateApp } from './streamgate-app.js';
import { onlyResource, PRODUCTION_SETTINGS, resourcesOf, synthesize } from './test-support/synthesize.js';

// The whole app, synthesized once into a directory exactly as `npm run synth` does, with CDK's
// CloudFormation linter on and its findings made errors: what CI proves without an AWS account.
const outdir = mkdtempSync(path.join(tmpdir(), 'streamgate-synth-'));
const app = synthesize(PRODUCTION_SETTINGS, { outdir, validateTemplates: true, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });

test('synth runs offline: one template per stack, no account, no context lookups, no linter finding', () => {
  const templates = readdirSync(outdir).filter((name) => name.endsWith('.template.json')).sort();
  assert.deepEqual(templates, ['StreamGate-Cdn.template.json', 'StreamGate-Data.template.json', 'StreamGate-Network.template.json', 'StreamGate-Service.template.json']);
  assert.equal(app.assembly.manifest.missing, undefined, 'no context lookup was needed');
  for (const stack of app.assembly.stacks) assert.equal(stack.environment.account, 'unknown-account', `${stack.stackName} needs no account to synthesize`);
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
  assert.deepEqual(report.pluginReports.flatMap((plugin) => plugin.violations ?? []), []);
});

test('the gateway image is built from the root Dockerfile, with .dockerignore honoured', () => {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'StreamGate-Service.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }> };
  const images = Object.values(manifest.dockerImages);
  assert.equal(images.length, 1);
  const { source } = images[0]!;
  assert.equal(source.dockerFile, 'Dockerfile');
  assert.equal(source.platform, 'linux/amd64');
  const context = path.join(outdir, source.directory);
  for (const kept of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'packages/gateway/package.json', 'packages/protocol/src/stream-timing.ts', 'packages/infra/package.json']) {
    assert.ok(existsSync(path.join(context, kept)), `${kept} is in the build context`);
  }
  for (const ignored of ['node_modules', '.git', 'docs', 'packages/infra/src', 'packages/infra/cdk.out', 'packages/web/dist']) {
    assert.ok(!existsSync(path.join(context, ignored)), `${ignored} is left out of the build context and its hash`);
  }
});

test('the VPC spans two zones resolved at deploy time, with public, private and isolated subnets', () => {
  const subnets = Object.values(resourcesOf(app.network, 'AWS::EC2::Subnet')).map((subnet) => subnet.Properties);
  assert.equal(subnets.length, 6);
  for (const subnet of subnets) assert.match(JSON.stringify(subnet.AvailabilityZone), /Fn::GetAZs/);
  const types = subnets.map((subnet) => (subnet.Tags as { Key: string; Value: string }[]).find((tag) => tag.Key === 'aws-cdk:subnet-type')?.Value).sort();
  assert.deepEqual(types, ['Isolated', 'Isolated', 'Private', 'Private', 'Public', 'Public']);
  app.network.resourceCountIs('AWS::EC2::NatGateway', 1);
});

test('VPC endpoints keep images, logs, secrets, Bedrock, agents and AgentCore off the NAT gateway', () => {
  const services = Object.values(resourcesOf(app.network, 'AWS::EC2::VPCEndpoint')).map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
  for (const service of ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'bedrock-runtime', 'bedrock-agent-runtime', 'bedrock-agentcore', 's3']) {
    assert.ok(services.some((name) => name.includes(`.${service}"`)), `an endpoint for ${service} (have ${services.join(', ')})`);
  }
  for (const endpoint of Object.values(resourcesOf(app.network, 'AWS::EC2::VPCEndpoint')).filter((endpoint) => endpoint.Properties.VpcEndpointType === 'Interface')) {
    assert.equal(endpoint.Properties.PrivateDnsEnabled, true, 'the SDK finds the endpoint under the service\'s usual name');
  }
});

test('the web app is deployed from its build to a private bucket that only CloudFront (OAC) reads', () => {
  app.cdn.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  });
  const control = onlyResource(app.cdn, 'AWS::CloudFront::OriginAccessControl');
  const distribution = onlyResource(app.cdn, 'AWS::CloudFront::Distribution').properties as { DistributionConfig: { DefaultCacheBehavior: { TargetOriginId: string }; Origins: { Id: string; OriginAccessControlId?: unknown }[] } };
  const webOrigin = distribution.DistributionConfig.Origins.find((origin) => origin.Id === distribution.DistributionConfig.DefaultCacheBehavior.TargetOriginId);
  assert.deepEqual(webOrigin?.OriginAccessControlId, { 'Fn::GetAtt': [control.id, 'Id'] });
  app.cdn.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'], Prune: true });
  app.cdn.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' })]) },
  });
});

test('the outputs say where the app, the WebSocket and the first admin key are', () => {
  const outputs = app.cdn.toJSON().Outputs as Record<string, { Value: unknown }>;
  assert.match(JSON.stringify(outputs.Url?.Value), /https:\/\/.*DomainName/);
  assert.match(JSON.stringify(outputs.WebSocketUrl?.Value), /wss:\/\/.*\/ws\/sessions\/<session-id>\/chat/);
  assert.match(JSON.stringify(outputs.AdminApiKeySecret?.Value), /AdminApiKey/);
  assert.match(JSON.stringify(outputs.AdminApiKeyCommand?.Value), /aws secretsmanager get-secret-value --region us-east-1 --secret-id .*AdminApiKey.* --query SecretString --output text/);
  app.data.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('ADMIN_API_KEY'), GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } });
});

test('a missing web build or Dockerfile fails synth with what to do', () => {
  const config = parseInfraConfig({ webAppDirectory: path.join(outdir, 'no-such-build') }, 'test');
  assert.throws(() => buildApp(createStreamGateApp({ validateTemplates: false }), config), /webAppDirectory: .*no-such-build has no index\.html; build the web app first \(npm run build\)/);
  assert.throws(() => buildApp(createStreamGateApp({ validateTemplates: false }), config, { imageDirectory: outdir }), /has no Dockerfile/);
});
