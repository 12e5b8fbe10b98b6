import { existsSync } from 'node:fs';
import path from 'node:path';
import { type App, Tags } from 'aws-cdk-lib';
import type { InfraConfig } from './config/infra-config-schema.js';
import { InfraConfigError } from './config/load-infra-config.js';
import { DataStack } from './data/data-stack.js';
import { CdnStack } from './edge/cdn-stack.js';
import { GlobalEdgeStack } from './edge/global-edge-stack.js';
import { NetworkStack } from './network/network-stack.js';
import { HTTP_PORT, HTTPS_PORT } from './ports.js';
import { fromRepositoryRoot, REPOSITORY_ROOT } from './repository-paths.js';
import { ServiceStack } from './service/service-stack.js';

/** Every stack of a deployment, for `cdk deploy --all` and for tests. */
export interface StreamGateStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly service: ServiceStack;
  readonly cdn: CdnStack;
  /** us-east-1: the viewer certificate and the web ACL, when the config asks for them. */
  readonly globalEdge?: GlobalEdgeStack;
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** The gateway image's build context, with `Dockerfile` and `.dockerignore` (default: the repository root). */
  readonly imageDirectory?: string;
}

/**
 * Adds the StreamGate stacks to `app`. Stacks name a region but no account, so synth needs no credentials
 * and no lookups (availability zones are resolved by CloudFormation); the account is the one deploying.
 *
 * @example
 * const app = createStreamGateApp();
 * const stacks = buildApp(app, parseInfraConfig({}, 'defaults'));
 * app.synth();
 */
export function buildApp(app: App, config: InfraConfig, options: BuildAppOptions = {}): StreamGateStacks {
  const imageDirectory = options.imageDirectory ?? REPOSITORY_ROOT;
  if (!existsSync(path.join(imageDirectory, 'Dockerfile'))) {
    throw new InfraConfigError(`${imageDirectory} has no Dockerfile: the gateway image is built from the repository root's Dockerfile`);
  }
  const webAppDirectory = fromRepositoryRoot(config.webAppDirectory);
  if (!existsSync(path.join(webAppDirectory, 'index.html'))) {
    throw new InfraConfigError(`webAppDirectory: ${webAppDirectory} has no index.html; build the web app first (npm run build)`);
  }
  const prefix = config.stackPrefix;
  const env = { region: config.region };
  const { domain, waf } = config.edge;
  const needsGlobalEdge = Boolean(waf) || Boolean(domain && !domain.certificateArn);
  const crossRegionReferences = needsGlobalEdge && config.region !== 'us-east-1';

  const globalEdge = needsGlobalEdge
    ? new GlobalEdgeStack(app, `${prefix}-GlobalEdge`, { env: { region: 'us-east-1' }, crossRegionReferences, edge: config.edge, description: 'StreamGate: CloudFront certificate and web ACL (us-east-1 only)' })
    : undefined;
  const network = new NetworkStack(app, `${prefix}-Network`, {
    env,
    config,
    listenerPort: domain ? HTTPS_PORT : HTTP_PORT,
    description: 'StreamGate: VPC, endpoints and the security groups of every tier',
  });
  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    vpc: network.vpc,
    securityGroups: network.securityGroups,
    terminationProtection: config.database.deletionProtection,
    description: 'StreamGate: ElastiCache, PostgreSQL and generated secrets',
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    env,
    config,
    vpc: network.vpc,
    securityGroups: network.securityGroups,
    secrets: data.containerSecrets,
    originSecret: data.secrets.originVerify,
    imageDirectory,
    description: 'StreamGate: ALB and the gateway on ECS Fargate, alarms and dashboard',
  });
  const cdn = new CdnStack(app, `${prefix}-Cdn`, {
    env,
    crossRegionReferences,
    config,
    originDomainName: service.originDomainName,
    originUsesTls: service.originUsesTls,
    originSecret: data.secrets.originVerify,
    adminApiKey: data.secrets.adminApiKey,
    webAppDirectory,
    certificate: globalEdge?.certificate,
    webAclArn: config.edge.webAclArn ?? globalEdge?.webAclArn,
    description: 'StreamGate: CloudFront, the web app bucket and the outputs',
  });

  for (const [key, value] of Object.entries({ application: 'streamgate', ...config.tags })) Tags.of(app).add(key, value);
  return { network, data, service, cdn, ...(globalEdge ? { globalEdge } : {}) };
}
