import type { Construct } from 'constructs';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { InfraConfig } from '../config/infra-config-schema.js';
import { CloudFrontOriginFacingPrefixList } from './cloudfront-prefix-list.js';
import { TierSecurityGroups } from './tier-security-groups.js';

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps extends StackProps {
  readonly config: Pick<InfraConfig, 'network' | 'loadBalancer' | 'bedrock'>;
  readonly listenerPort: number;
}

/**
 * The VPC over two Availability Zones: public subnets (ALB, NAT), private subnets with egress (tasks),
 * isolated subnets (cache, database; no route out at all), plus the tiers' security groups.
 * The stack has no account, so its zones are resolved at deploy time (`Fn::GetAZs`), not looked up.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly securityGroups: TierSecurityGroups;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { network } = props.config;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(network.vpcCidr),
      maxAzs: 2,
      natGateways: network.natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'service', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      // Free, and ECR serves image layers from S3.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

    const prefixList = new CloudFrontOriginFacingPrefixList(this, 'CloudFrontPrefixList', { prefixListId: props.config.loadBalancer.cloudFrontPrefixListId });
    this.securityGroups = new TierSecurityGroups(this, 'SecurityGroups', { vpc: this.vpc, listenerPort: props.listenerPort, cloudFrontPrefixListId: prefixList.prefixListId });

    if (network.interfaceEndpoints) {
      for (const [name, service] of interfaceEndpointServices(props.config.bedrock)) {
        this.vpc.addInterfaceEndpoint(name, {
          service,
          open: false,
          securityGroups: [this.securityGroups.endpoints],
          subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        });
      }
    }
  }
}

/**
 * The services whose traffic would otherwise cross the NAT gateway (billed per GB): image pulls, logs,
 * secrets at task start, and the token streams themselves. Agent endpoints only when agents are configured:
 * each interface endpoint costs about 15 USD a month over two zones.
 */
export function interfaceEndpointServices(bedrock: InfraConfig['bedrock']): [string, ec2.InterfaceVpcEndpointAwsService][] {
  const services: [string, ec2.InterfaceVpcEndpointAwsService][] = [
    ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
    ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ['CloudWatchLogs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
    ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ['BedrockRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME],
  ];
  if (bedrock.agent) services.push(['BedrockAgentRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_AGENT_RUNTIME]);
  if (bedrock.agentRuntimeArns.length > 0) services.push(['BedrockAgentCore', ec2.InterfaceVpcEndpointAwsService.BEDROCK_AGENTCORE]);
  return services;
}
