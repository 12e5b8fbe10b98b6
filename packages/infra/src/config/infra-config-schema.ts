import { z } from 'zod';
import { STREAM_TIMING } from '@streamgate/protocol';
import { checkSettingsAgree, stopTimeoutSecondsOf } from './setting-rules.js';
import { ipv4Cidr } from './ipv4-cidr.js';

/**
 * The deployment's settings, validated once before any construct is made: a bad value fails synth with a
 * message naming the setting (`network.vpcCidr: ...`), never with a CloudFormation error twenty minutes
 * into a deploy. Every section has defaults, so `{}` is a complete small production set-up.
 */

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const ARN_PARTITION = 'arn:aws[a-z-]*';

// Objects refuse unknown keys so that a misspelt setting is an error, not a silently ignored default;
// `prefault({})` parses an absent section so that its own defaults apply.

const integer = (minimum: number, maximum: number) => z.number().int().min(minimum).max(maximum);

const networkSchema = z.strictObject({
  /** Two public, two private (tasks) and two isolated (data) subnets are cut from this range. */
  vpcCidr: ipv4Cidr.default('10.40.0.0/16'),
  /** One NAT gateway is cheaper; two keep egress up when an Availability Zone fails. */
  natGateways: integer(1, 2).default(1),
  /** Interface endpoints keep image pulls, logs, secrets and Bedrock calls off the NAT gateway. */
  interfaceEndpoints: z.boolean().default(true),
}).prefault({});

const serviceSchema = z.strictObject({
  /** At least two, so that a deploy or the loss of an Availability Zone leaves a task serving. */
  minTasks: integer(2, 500).default(2),
  maxTasks: integer(2, 500).default(6),
  cpu: z.literal([256, 512, 1024, 2048, 4096, 8192, 16384]).default(1024),
  memoryMiB: integer(512, 122_880).default(2048),
  /** The image is built for this platform on the deploying machine (ARM64 is cheaper, needs an arm64 builder). */
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64'),
  targetCpuPercent: integer(10, 95).default(60),
  /** Requests per task per minute before scaling out; streams are long, so keep this modest. */
  requestsPerTargetPerMinute: integer(1, 100_000).default(600),
  /** SIGKILL follows SIGTERM after this; defaults to the drain timeout plus 15 s, at most Fargate's 120 s. */
  stopTimeoutSeconds: z
    .number()
    .int()
    .min(2)
    .max(STREAM_TIMING.fargateMaxStopTimeoutSeconds, `Fargate allows a stopTimeout of at most ${STREAM_TIMING.fargateMaxStopTimeoutSeconds} s`)
    .optional(),
  logRetentionDays: z.literal([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]).default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
}).prefault({});

const streamTimingSchema = z.strictObject({
  heartbeatIntervalMs: integer(1_000, 600_000).default(STREAM_TIMING.heartbeatIntervalMs),
  drainTimeoutMs: integer(0, 3_600_000).default(STREAM_TIMING.drainTimeoutMs),
}).prefault({});

const loadBalancerSchema = z.strictObject({
  /**
   * Reset only by data bytes: above the heartbeat with margin and CloudFront's keep-alive, below the
   * gateway's own keep-alive timeout (see setting-rules.ts).
   */
  idleTimeoutSeconds: integer(1, 4_000).default(60),
  /**
   * ECS waits this long after deregistering a task before SIGTERM; the ALB then closes what is still open.
   * Two minutes lets a typical model stream finish on the old task during a deploy or scale-in.
   */
  deregistrationDelaySeconds: integer(0, 3_600).default(120),
  /** `com.amazonaws.global.cloudfront.origin-facing` in the region; looked up at deploy time when unset. */
  cloudFrontPrefixListId: z.string().regex(/^pl-[0-9a-f]{8,17}$/, 'must look like pl-3b927c52').optional(),
}).prefault({});

const domainSchema = z.strictObject({
  /** The public name of the web app and API, e.g. `chat.example.com`. */
  name: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case DNS name such as chat.example.com'),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'),
  hostedZoneName: z.string().min(1),
  /** An ACM certificate in us-east-1 for `name`; without it one is created in the us-east-1 edge stack. */
  certificateArn: z.string().regex(new RegExp(`^${ARN_PARTITION}:acm:us-east-1:\\d{12}:certificate/[0-9a-f-]+$`), 'must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)').optional(),
});

const edgeSchema = z.strictObject({
  /** Also bounds the gap between two packets of a streamed response; above 60 s needs a quota increase. */
  originReadTimeoutSeconds: integer(1, 180).default(60),
  originKeepaliveTimeoutSeconds: integer(1, 180).default(5),
  priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
  domain: domainSchema.optional(),
  /** An existing CLOUDFRONT-scoped web ACL (it lives in us-east-1). */
  webAclArn: z.string().regex(new RegExp(`^${ARN_PARTITION}:wafv2:us-east-1:\\d{12}:global/webacl/.+$`), 'must be a CLOUDFRONT-scoped web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)').optional(),
  /** Creates a web ACL in a us-east-1 stack with a per-address rate-based rule. */
  waf: z.strictObject({ requestsPerFiveMinutesPerAddress: integer(10, 2_000_000_000).default(2_000) }).optional(),
}).prefault({});

const cacheSchema = z.strictObject({
  engine: z.enum(['valkey', 'redis']).default('valkey'),
  engineVersion: z.string().regex(/^\d+\.\d+$/).optional(),
  nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an ElastiCache node type such as cache.t4g.small').default('cache.t4g.small'),
  /** Replicas fail over automatically (Multi-AZ); zero is a single node. */
  replicas: integer(0, 5).default(1),
}).prefault({});

const databaseSchema = z.strictObject({
  engine: z.enum(['postgres', 'aurora-serverless-v2']).default('postgres'),
  instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, 'must be an instance class without the db. prefix, such as t4g.micro').default('t4g.micro'),
  multiAz: z.boolean().default(false),
  allocatedStorageGiB: integer(20, 65_536).default(20),
  minCapacityAcu: z.number().min(0).max(256).default(0.5),
  maxCapacityAcu: z.number().min(1).max(256).default(4),
  backupRetentionDays: integer(1, 35).default(7),
  deletionProtection: z.boolean().default(true),
}).prefault({});

const bedrockModelSchema = z.strictObject({
  /** The public model id clients use (`claude`). */
  id: z.string().regex(/^[A-Za-z0-9._-]+$/),
  /** A foundation model id, an inference profile id (`us.anthropic...`) or an ARN. */
  modelId: z.string().min(3),
});

const bedrockSchema = z.strictObject({
  models: z.array(bedrockModelSchema).default([]),
  /** Models the task role may call without being in BEDROCK_MODELS (image and embedding models). */
  additionalModelIds: z.array(z.string().min(3)).default([]),
  agent: z.strictObject({ agentId: z.string().regex(/^[A-Z0-9]{10}$/), aliasId: z.string().regex(/^[A-Z0-9]{10}$/) }).optional(),
  agentRuntimeArns: z.array(z.string().regex(new RegExp(`^${ARN_PARTITION}:bedrock-agentcore:[a-z0-9-]+:\\d{12}:runtime/[A-Za-z0-9_-]+$`), 'must be an AgentCore runtime ARN')).max(1).default([]),
  defaultModel: z.string().optional(),
}).prefault({});

/** Names the gateway reads as secrets; they may only arrive through `secretEnvironment`. */
const secretLookingName = /(KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL)|^(DATABASE_URL|REDIS_URL|ORIGIN_VERIFY_HEADER)$/;

const gatewaySchema = z.strictObject({
  /** Plain environment values for the container; anything secret-looking is refused here. */
  environment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).default({}).check((context) => {
    for (const name of Object.keys(context.value).filter((key) => secretLookingName.test(key))) {
      context.issues.push({ code: 'custom', input: name, path: [name], message: `looks like a secret: put it in gateway.secretEnvironment (a Secrets Manager ARN) instead` });
    }
  }),
  /** Environment variable -> Secrets Manager secret ARN (optionally `:json-key::` suffixed), injected by ECS. */
  secretEnvironment: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string().regex(new RegExp(`^${ARN_PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+$`), 'must be a Secrets Manager secret ARN')).default({}),
  /** Generates a JWT_SECRET (HS256 tokens signed by your own services). */
  generateJwtSecret: z.boolean().default(false),
  corsOrigins: z.array(z.url()).default([]),
}).prefault({});

const alarmsSchema = z.strictObject({
  email: z.email().optional(),
  /** p99 target response time (time to the first byte of a stream) that raises the alarm. */
  targetResponseTimeSeconds: z.number().positive().max(600).default(10),
  cpuPercent: integer(10, 100).default(85),
  memoryPercent: integer(10, 100).default(85),
}).prefault({});

export const infraConfigSchema = z
  .strictObject({
    /** Prefix of every stack name (`StreamGate-Service`). */
    stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/, 'must start with a letter and hold only letters, digits and hyphens (at most 40)').default('StreamGate'),
    region: z.string().regex(REGION, { error: (issue) => `must be an AWS region such as eu-west-1, got "${String(issue.input)}"` }).default('us-east-1'),
    /** The built web app (`npm run build` writes packages/web/dist); resolved from the repository root. */
    webAppDirectory: z.string().default('packages/web/dist'),
    network: networkSchema,
    service: serviceSchema,
    streamTiming: streamTimingSchema,
    loadBalancer: loadBalancerSchema,
    edge: edgeSchema,
    cache: cacheSchema,
    database: databaseSchema,
    bedrock: bedrockSchema,
    gateway: gatewaySchema,
    alarms: alarmsSchema,
    tags: z.record(z.string(), z.string()).default({}),
  })
  .check(checkSettingsAgree)
  .transform((settings) => ({ ...settings, service: { ...settings.service, stopTimeoutSeconds: stopTimeoutSecondsOf(settings) } }));

/** The settings as written (every key optional). */
export type InfraConfigInput = z.input<typeof infraConfigSchema>;
/** The settings with every default filled in. */
export type InfraConfig = z.output<typeof infraConfigSchema>;
