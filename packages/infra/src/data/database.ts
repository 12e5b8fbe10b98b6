import { Construct } from 'constructs';
import { Duration, Fn, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { InfraConfig } from '../config/infra-config-schema.js';

const DATABASE_NAME = 'streamgate';
const USERNAME = 'streamgate';
/** Every character that would need percent-encoding in a URL's userinfo, so the password goes in DATABASE_URL as is. */
const URL_UNSAFE_CHARACTERS = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Props of {@link Database}. */
export interface DatabaseProps {
  readonly settings: InfraConfig['database'];
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * PostgreSQL for managed keys and usage records: one RDS instance, or Aurora Serverless v2. Encrypted,
 * in the isolated subnets, never publicly accessible; the master password is generated into Secrets
 * Manager, and the gateway gets a composed DATABASE_URL secret.
 */
export class Database extends Construct {
  /** The generated master credentials (username, password, host, port, dbname). */
  readonly credentials: secretsmanager.ISecret;
  /** DATABASE_URL: `postgres://streamgate:<password>@<endpoint>:5432/streamgate?sslmode=no-verify`. */
  readonly urlSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { settings, vpc, securityGroup } = props;
    const credentials = rds.Credentials.fromGeneratedSecret(USERNAME, { excludeCharacters: URL_UNSAFE_CHARACTERS });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const common = {
      vpc,
      vpcSubnets,
      securityGroups: [securityGroup],
      credentials,
      storageEncrypted: true,
      deletionProtection: settings.deletionProtection,
      // A deleted stack leaves a final snapshot rather than nothing.
      removalPolicy: RemovalPolicy.SNAPSHOT,
    };
    let endpoint: rds.Endpoint;
    let secret: secretsmanager.ISecret | undefined;
    if (settings.engine === 'postgres') {
      const instance = new rds.DatabaseInstance(this, 'Instance', {
        ...common,
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
        instanceType: new ec2.InstanceType(settings.instanceType),
        databaseName: DATABASE_NAME,
        multiAz: settings.multiAz,
        allocatedStorage: settings.allocatedStorageGiB,
        maxAllocatedStorage: settings.allocatedStorageGiB * 5,
        storageType: rds.StorageType.GP3,
        backupRetention: Duration.days(settings.backupRetentionDays),
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        cloudwatchLogsExports: ['postgresql'],
      });
      endpoint = instance.instanceEndpoint;
      secret = instance.secret;
    } else {
      const cluster = new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_5 }),
        writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
        readers: settings.multiAz ? [rds.ClusterInstance.serverlessV2('Reader', { publiclyAccessible: false, scaleWithWriter: true })] : [],
        serverlessV2MinCapacity: settings.minCapacityAcu,
        serverlessV2MaxCapacity: settings.maxCapacityAcu,
        defaultDatabaseName: DATABASE_NAME,
        backup: { retention: Duration.days(settings.backupRetentionDays) },
        cloudwatchLogsExports: ['postgresql'],
      });
      endpoint = cluster.clusterEndpoint;
      secret = cluster.secret;
    }
    if (!secret) throw new Error('the database was created without a generated secret');
    this.credentials = secret;

    // The RDS CA is not in Node's trust store: TLS (RDS PostgreSQL 15+ refuses plain connections) without
    // verifying the certificate, inside the VPC. See docs/deploy-aws.md to verify it instead.
    this.urlSecret = new secretsmanager.Secret(this, 'Url', {
      description: 'StreamGate DATABASE_URL (composed from the generated master credentials)',
      secretStringValue: SecretValue.unsafePlainText(
        Fn.join('', [
          `postgres://${USERNAME}:`,
          secret.secretValueFromJson('password').unsafeUnwrap(),
          '@',
          endpoint.hostname,
          ':',
          endpoint.port.toString(),
          `/${DATABASE_NAME}?sslmode=no-verify`,
        ]),
      ),
    });
  }
}
