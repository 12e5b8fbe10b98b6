import type { Construct } from 'constructs';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { InfraConfig } from '../config/infra-config-schema.js';
import type { TierSecurityGroups } from '../network/tier-security-groups.js';
import { CacheCluster } from './cache-cluster.js';
import { Database } from './database.js';
import { GatewaySecrets } from './gateway-secrets.js';

/** Props of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  readonly config: Pick<InfraConfig, 'cache' | 'database' | 'gateway'>;
  readonly vpc: ec2.IVpc;
  readonly securityGroups: TierSecurityGroups;
}

/**
 * Everything stateful: the cache, the database and the generated secrets. Kept apart from the service so
 * that replacing or deleting the Service stack can never take data or keys with it.
 */
export class DataStack extends Stack {
  readonly cache: CacheCluster;
  readonly database: Database;
  readonly secrets: GatewaySecrets;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, vpc, securityGroups } = props;
    this.secrets = new GatewaySecrets(this, 'Secrets', { generateJwtSecret: config.gateway.generateJwtSecret });
    this.cache = new CacheCluster(this, 'Cache', {
      settings: config.cache,
      subnets: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }),
      securityGroup: securityGroups.cache,
    });
    this.database = new Database(this, 'Database', { settings: config.database, vpc, securityGroup: securityGroups.database });
  }

  /** The secrets the gateway container receives, by environment variable. */
  get containerSecrets(): Readonly<Record<string, secretsmanager.ISecret>> {
    return {
      ADMIN_API_KEY: this.secrets.adminApiKey,
      ORIGIN_VERIFY_HEADER: this.secrets.originVerify,
      DATABASE_URL: this.database.urlSecret,
      REDIS_URL: this.cache.urlSecret,
      ...(this.secrets.jwtSecret ? { JWT_SECRET: this.secrets.jwtSecret } : {}),
    };
  }
}
