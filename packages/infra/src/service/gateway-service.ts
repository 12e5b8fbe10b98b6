import { Construct } from 'constructs';
import { Duration, IgnoreMode, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { InfraConfig } from '../config/infra-config-schema.js';
import { GATEWAY_PORT } from '../ports.js';
import { bedrockStatements } from './bedrock-access.js';
import { gatewayEnvironment } from './gateway-environment.js';

/** Props of {@link GatewayService}. */
export interface GatewayServiceProps {
  readonly config: InfraConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Environment variable -> ECS secret; never in the plain environment. */
  readonly secrets: Readonly<Record<string, ecs.Secret>>;
  /** The Docker build context: the repository root, with its `Dockerfile` and `.dockerignore`. */
  readonly imageDirectory: string;
}

/**
 * The gateway on ECS Fargate: at least two tasks in the private subnets, scaled on CPU and on requests per
 * task, rolled back automatically when a deploy does not become healthy. Its task role may call only the
 * configured Bedrock models, agent and AgentCore runtime.
 */
export class GatewayService extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: config.service.logRetentionDays as logs.RetentionDays });

    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'StreamGate gateway: the configured Bedrock models, agent and AgentCore runtime only',
    });
    for (const statement of bedrockStatements(config.bedrock, { partition: stack.partition, region: stack.region, account: stack.account })) {
      this.taskRole.addToPrincipalPolicy(statement);
    }

    const arm = config.service.cpuArchitecture === 'ARM64';
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: config.service.cpu,
      memoryLimitMiB: config.service.memoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: { cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    taskDefinition.addContainer('gateway', {
      image: ecs.ContainerImage.fromAsset(props.imageDirectory, {
        file: 'Dockerfile',
        // .dockerignore decides what is hashed and sent to the build, as `docker build .` would.
        ignoreMode: IgnoreMode.DOCKER,
        // Synth output lives inside the context; it must never feed back into the image or its hash.
        exclude: ['packages/infra/cdk.out', '**/cdk.out'],
        platform: arm ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
      }),
      environment: gatewayEnvironment(config, stack.region),
      secrets: { ...props.secrets },
      portMappings: [{ containerPort: GATEWAY_PORT, name: 'http' }],
      // SIGKILL this long after SIGTERM; the config keeps it above DRAIN_TIMEOUT_MS with a margin.
      stopTimeout: Duration.seconds(config.service.stopTimeoutSeconds),
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'gateway',
        // A slow CloudWatch must never block the event loop on a stdout write.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: config.service.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      securityGroups: [props.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    this.service.attachToApplicationTargetGroup(props.targetGroup);

    const scaling = this.service.autoScaleTaskCount({ minCapacity: config.service.minTasks, maxCapacity: config.service.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: config.service.targetCpuPercent,
      scaleOutCooldown: Duration.seconds(60),
      // Scaling in deregisters tasks, which cuts streams longer than the deregistration delay: slowly.
      scaleInCooldown: Duration.seconds(300),
    });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: config.service.requestsPerTargetPerMinute,
      targetGroup: props.targetGroup,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
  }
}
