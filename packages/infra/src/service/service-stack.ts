import type { Construct } from 'constructs';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as certificatemanager from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { InfraConfig } from '../config/infra-config-schema.js';
import type { TierSecurityGroups } from '../network/tier-security-groups.js';
import { GatewayService } from './gateway-service.js';
import { OriginProtectedLoadBalancer } from './origin-protected-load-balancer.js';
import { ServiceAlarms } from './service-alarms.js';
import { ServiceDashboard } from './service-dashboard.js';

/** Props of {@link ServiceStack}. */
export interface ServiceStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroups: TierSecurityGroups;
  /** Generated secrets by environment variable (ADMIN_API_KEY, DATABASE_URL, REDIS_URL, ...). */
  readonly secrets: Readonly<Record<string, secretsmanager.ISecret>>;
  readonly originSecret: secretsmanager.ISecret;
  readonly imageDirectory: string;
}

/** The ALB, the Fargate service behind it, its alarms and dashboard. */
export class ServiceStack extends Stack {
  readonly loadBalancer: OriginProtectedLoadBalancer;
  readonly gateway: GatewayService;
  readonly alarms: ServiceAlarms;
  /** The name CloudFront connects to: `origin.<domain>` over TLS, or the ALB's own name over HTTP. */
  readonly originDomainName: string;
  readonly originUsesTls: boolean;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, vpc, securityGroups } = props;
    const domain = config.edge.domain;
    const zone = domain ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.hostedZoneName }) : undefined;
    const originName = domain ? `origin.${domain.name}` : undefined;
    // The ALB's own DNS name cannot have a certificate, so TLS to the origin needs a name of ours.
    const certificate = zone && originName
      ? new certificatemanager.Certificate(this, 'OriginCertificate', { domainName: originName, validation: certificatemanager.CertificateValidation.fromDns(zone) })
      : undefined;

    this.loadBalancer = new OriginProtectedLoadBalancer(this, 'Edge', {
      vpc,
      securityGroup: securityGroups.loadBalancer,
      idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
      deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
      originSecret: props.originSecret,
      certificate,
    });
    if (zone && originName) {
      new route53.ARecord(this, 'OriginRecord', { zone, recordName: originName, target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer.loadBalancer)) });
    }
    this.originDomainName = originName ?? this.loadBalancer.loadBalancer.loadBalancerDnsName;
    this.originUsesTls = certificate !== undefined;

    this.gateway = new GatewayService(this, 'Gateway', {
      config,
      vpc,
      securityGroup: securityGroups.service,
      targetGroup: this.loadBalancer.targetGroup,
      secrets: { ...ecsSecrets(props.secrets), ...configuredSecrets(this, config.gateway.secretEnvironment) },
      imageDirectory: props.imageDirectory,
    });

    this.alarms = new ServiceAlarms(this, 'Alarms', {
      settings: config.alarms,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.loadBalancer.targetGroup,
      service: this.gateway.service,
    });
    const dashboard = new ServiceDashboard(this, 'Dashboard', {
      dashboardName: `${config.stackPrefix}-${config.region}`,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.loadBalancer.targetGroup,
      service: this.gateway.service,
      alarms: this.alarms.alarms,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'SNS topic of the alarms: subscribe your pager to it' });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'LogGroupName', { value: this.gateway.logGroup.logGroupName, description: 'Gateway logs (JSON lines)' });
  }
}

function ecsSecrets(secrets: Readonly<Record<string, secretsmanager.ISecret>>): Record<string, ecs.Secret> {
  return Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, ecs.Secret.fromSecretsManager(secret)]));
}

/** `arn:...:secret:name-AbCdEf` or `arn:...:secret:name-AbCdEf:json-key` from `gateway.secretEnvironment`. */
function configuredSecrets(scope: Construct, secretEnvironment: Readonly<Record<string, string>>): Record<string, ecs.Secret> {
  return Object.fromEntries(
    Object.entries(secretEnvironment).map(([name, reference]) => {
      const parts = reference.split(':');
      const secret = secretsmanager.Secret.fromSecretCompleteArn(scope, `Configured${name}`, parts.slice(0, 7).join(':'));
      return [name, ecs.Secret.fromSecretsManager(secret, parts[7] || undefined)];
    }),
  );
}
