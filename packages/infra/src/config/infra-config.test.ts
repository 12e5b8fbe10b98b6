import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { STREAM_TIMING } from '@streamgate/protocol';
import { InfraConfigError, parseInfraConfig, readInfraConfig } from './load-infra-config.js';
import { GATEWAY_KEEP_ALIVE_TIMEOUT_MS, HEARTBEAT_MARGIN_FACTOR, STOP_MARGIN_MS } from './setting-rules.js';

/** Asserts that `input` is refused and that the message names `setting` and matches `reason`. */
function assertRefused(input: unknown, setting: string, reason: RegExp): void {
  assert.throws(
    () => parseInfraConfig(input, 'test'),
    (error: unknown) => {
      assert.ok(error instanceof InfraConfigError, `expected InfraConfigError, got ${String(error)}`);
      assert.match(error.message, new RegExp(`- ${setting.replaceAll('.', '\\.')}: `));
      assert.match(error.message, reason);
      return true;
    },
  );
}

test('defaults: a complete small set-up whose stream timings are the gateway defaults from @streamgate/protocol', () => {
  const config = parseInfraConfig({}, 'test');
  assert.equal(config.region, 'us-east-1');
  assert.equal(config.service.minTasks, 2);
  assert.equal(config.streamTiming.heartbeatIntervalMs, STREAM_TIMING.heartbeatIntervalMs);
  assert.equal(config.streamTiming.drainTimeoutMs, STREAM_TIMING.drainTimeoutMs);
  // Derived: the drain plus 15 s, within Fargate's limit.
  assert.equal(config.service.stopTimeoutSeconds, STREAM_TIMING.drainTimeoutMs / 1000 + 15);
  assert.ok(config.service.stopTimeoutSeconds <= STREAM_TIMING.fargateMaxStopTimeoutSeconds);
  assert.ok(config.loadBalancer.idleTimeoutSeconds * 1000 >= HEARTBEAT_MARGIN_FACTOR * config.streamTiming.heartbeatIntervalMs);
  assert.ok(config.loadBalancer.idleTimeoutSeconds * 1000 < GATEWAY_KEEP_ALIVE_TIMEOUT_MS);
  assert.equal(config.cache.engine, 'valkey');
  assert.equal(config.database.engine, 'postgres');
});

test('a bad CIDR fails naming network.vpcCidr, and says which block was meant', () => {
  assertRefused({ network: { vpcCidr: '10.40.0.0/33' } }, 'network.vpcCidr', /prefix from \/16 to \/24/);
  assertRefused({ network: { vpcCidr: '10.300.0.0/16' } }, 'network.vpcCidr', /octet above 255/);
  assertRefused({ network: { vpcCidr: 'ten.forty' } }, 'network.vpcCidr', /IPv4 CIDR block such as 10\.40\.0\.0\/16, got "ten\.forty"/);
  assertRefused({ network: { vpcCidr: '10.40.1.0/16' } }, 'network.vpcCidr', /host bits set \(did you mean 10\.40\.0\.0\/16\?\)/);
});

test('more minimum tasks than maximum fails naming service.maxTasks; fewer than two fails naming service.minTasks', () => {
  assertRefused({ service: { minTasks: 6, maxTasks: 4 } }, 'service.maxTasks', /is 4 but must be at least service\.minTasks \(6\)/);
  assertRefused({ service: { minTasks: 1 } }, 'service.minTasks', />=2/);
});

test('a drain longer than Fargate allows fails naming streamTiming.drainTimeoutMs', () => {
  assertRefused({ streamTiming: { drainTimeoutMs: 118_000 }, loadBalancer: { deregistrationDelaySeconds: 300 } }, 'streamTiming.drainTimeoutMs', /longer than Fargate allows.*120 s/);
});

test('a stop timeout that leaves no time after the drain, or above 120 s, fails naming service.stopTimeoutSeconds', () => {
  assertRefused({ service: { stopTimeoutSeconds: 30 } }, 'service.stopTimeoutSeconds', new RegExp(`too short for streamTiming\\.drainTimeoutMs \\(30000 ms\\) plus ${STOP_MARGIN_MS} ms`));
  assertRefused({ service: { stopTimeoutSeconds: 180 } }, 'service.stopTimeoutSeconds', /Fargate allows a stopTimeout of at most 120 s/);
});

test('an unknown region format fails naming region and quoting the value', () => {
  assertRefused({ region: 'Frankfurt' }, 'region', /AWS region such as eu-west-1, got "Frankfurt"/);
  assertRefused({ region: 'eu-central' }, 'region', /got "eu-central"/);
  assert.equal(parseInfraConfig({ region: 'us-gov-west-1' }, 'test').region, 'us-gov-west-1');
});

test('a heartbeat the ALB or CloudFront would cut between beats fails naming the timeout to raise', () => {
  assertRefused({ loadBalancer: { idleTimeoutSeconds: 20 } }, 'loadBalancer.idleTimeoutSeconds', /at least 2 x streamTiming\.heartbeatIntervalMs \(15000 ms\)/);
  assertRefused({ edge: { originReadTimeoutSeconds: 20 } }, 'edge.originReadTimeoutSeconds', /CloudFront ends a response/);
  assertRefused({ streamTiming: { heartbeatIntervalMs: 45_000 } }, 'loadBalancer.idleTimeoutSeconds', /45000 ms/);
});

test('an ALB idle timeout at or above the gateway keep-alive, or below CloudFront keep-alive, fails (502 traps)', () => {
  assertRefused({ loadBalancer: { idleTimeoutSeconds: 120 } }, 'loadBalancer.idleTimeoutSeconds', /keep-alive timeout \(72000 ms\)/);
  assertRefused({ edge: { originKeepaliveTimeoutSeconds: 60 } }, 'edge.originKeepaliveTimeoutSeconds', /must be below loadBalancer\.idleTimeoutSeconds/);
});

test('a deregistration delay shorter than the drain fails naming loadBalancer.deregistrationDelaySeconds', () => {
  assertRefused({ loadBalancer: { deregistrationDelaySeconds: 10 } }, 'loadBalancer.deregistrationDelaySeconds', /at least streamTiming\.drainTimeoutMs/);
});

test('a secret in the plain environment, or a variable the deployment sets itself, is refused', () => {
  assertRefused({ gateway: { environment: { OPENAI_COMPATIBLE_API_KEY: 'sk-1' } } }, 'gateway.environment.OPENAI_COMPATIBLE_API_KEY', /secretEnvironment/);
  assertRefused({ gateway: { environment: { DATABASE_URL: 'postgres://x' } } }, 'gateway.environment.DATABASE_URL', /looks like a secret/);
  assertRefused({ gateway: { environment: { HEARTBEAT_INTERVAL_MS: '5000' } } }, 'gateway.environment.HEARTBEAT_INTERVAL_MS', /streamTiming\.heartbeatIntervalMs/);
  assertRefused({ gateway: { secretEnvironment: { API_KEYS: 'not-an-arn' } } }, 'gateway.secretEnvironment.API_KEYS', /Secrets Manager secret ARN/);
});

test('a misspelt setting is an error, not an ignored default', () => {
  assertRefused({ servce: { maxTasks: 4 } }, '\\(root\\)', /unknown setting\(s\) "servce"/);
  assertRefused({ service: { maxTask: 4 } }, 'service', /unknown setting\(s\) "maxTask"/);
});

test('Fargate CPU and memory must be a valid pair; Fargate CPU must be a Fargate size', () => {
  assertRefused({ service: { cpu: 512, memoryMiB: 8192 } }, 'service.memoryMiB', /1024 to 4096 in steps of 1024/);
  assertRefused({ service: { cpu: 300 } }, 'service.cpu', /./);
});

test('a certificate or web ACL from another region than us-east-1 is refused: CloudFront only uses us-east-1', () => {
  const domain = { name: 'chat.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
  assertRefused({ edge: { domain: { ...domain, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123' } } }, 'edge.domain.certificateArn', /us-east-1/);
  assertRefused({ edge: { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' } }, 'edge.webAclArn', /CLOUDFRONT-scoped/);
  assertRefused({ edge: { domain: { ...domain, name: 'chat.example.org' } } }, 'edge.domain.name', /inside edge\.domain\.hostedZoneName/);
});

test('every bad value is reported at once (rules across settings run once each value is valid)', () => {
  assert.throws(
    () => parseInfraConfig({ region: 'x', network: { vpcCidr: 'y' }, service: { minTasks: 1 } }, 'test'),
    (error: unknown) => error instanceof InfraConfigError && error.message.split('\n  - ').length === 4,
  );
});

test('settings come from context (object or JSON string) or from a JSON file, not both', () => {
  assert.equal(readInfraConfig({ context: { service: { maxTasks: 9 } } }).service.maxTasks, 9);
  assert.equal(readInfraConfig({ context: '{"service":{"maxTasks":7}}' }).service.maxTasks, 7);
  const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-config-'));
  const file = path.join(directory, 'config.json');
  writeFileSync(file, JSON.stringify({ region: 'eu-west-1' }));
  assert.equal(readInfraConfig({ file }).region, 'eu-west-1');
  assert.throws(() => readInfraConfig({ context: {}, file }), /either as context "streamgate" or as a file/);
  writeFileSync(file, '{"region":');
  assert.throws(() => readInfraConfig({ file }), /is not valid JSON/);
  assert.throws(() => readInfraConfig({ file: path.join(directory, 'missing.json') }), /Cannot read the StreamGate infra config file/);
  assert.equal(readInfraConfig({}).stackPrefix, 'StreamGate');
});

test('the example configs in packages/infra/config are valid', () => {
  for (const name of ['small.example.json', 'large.example.json']) {
    const file = fileURLToPath(new URL(`../../config/${name}`, import.meta.url));
    assert.doesNotThrow(() => readInfraConfig({ file }), name);
  }
  assert.equal(readInfraConfig({ file: fileURLToPath(new URL('../../config/large.example.json', import.meta.url)) }).edge.domain?.name, 'chat.example.com');
});
