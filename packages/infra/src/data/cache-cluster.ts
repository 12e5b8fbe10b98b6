import { Construct } from 'constructs';
import { Fn, SecretValue } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { InfraConfig } from '../config/infra-config-schema.js';
import { CACHE_PORT } from '../ports.js';

/** Default engine versions: the newest each engine offers for replication groups with TLS and AUTH. */
const ENGINE_VERSIONS = { valkey: '8.0', redis: '7.1' } as const;

/** Props of {@link CacheCluster}. */
export interface CacheClusterProps {
  readonly settings: InfraConfig['cache'];
  readonly subnets: ec2.SelectedSubnets;
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * The shared Redis (or Valkey) of every gateway task: rate limits, sessions, WebSocket tickets.
 * A replication group with cluster mode disabled, because the gateway's Lua scripts touch keys in several
 * hash slots (CROSSSLOT under cluster mode, which ElastiCache Serverless always uses). TLS is required and
 * AUTH uses a generated token; the gateway receives both as one `rediss://` URL secret.
 */
export class CacheCluster extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
  /** REDIS_URL: `rediss://:<token>@<primary endpoint>:6379`. */
  readonly urlSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CacheClusterProps) {
    super(scope, id);
    const { settings } = props;
    // AUTH tokens refuse "@", "/" and '"'; letters and digits also need no escaping in the URL.
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'StreamGate ElastiCache AUTH token',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'StreamGate cache: isolated subnets',
      subnetIds: props.subnets.subnetIds,
    });
    const replicated = settings.replicas > 0;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'StreamGate rate limits, sessions and WebSocket tickets',
      engine: settings.engine,
      engineVersion: settings.engineVersion ?? ENGINE_VERSIONS[settings.engine],
      cacheNodeType: settings.nodeType,
      numCacheClusters: 1 + settings.replicas,
      automaticFailoverEnabled: replicated,
      multiAzEnabled: replicated,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      port: CACHE_PORT,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 1,
    });

    this.urlSecret = new secretsmanager.Secret(this, 'Url', {
      description: 'StreamGate REDIS_URL (rediss:// with the AUTH token)',
      // Only a {{resolve:secretsmanager:...}} reference is in the template; CloudFormation resolves it at deploy time.
      secretStringValue: SecretValue.unsafePlainText(
        Fn.join('', ['rediss://:', this.authToken.secretValue.unsafeUnwrap(), '@', this.replicationGroup.attrPrimaryEndPointAddress, ':', this.replicationGroup.attrPrimaryEndPointPort]),
      ),
    });
  }
}
