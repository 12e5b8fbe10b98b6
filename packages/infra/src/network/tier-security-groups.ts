import { Construct } from 'constructs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CACHE_PORT, DATABASE_PORT, GATEWAY_PORT } from '../ports.js';

/** Props of {@link TierSecurityGroups}. */
export interface TierSecurityGroupsProps {
  readonly vpc: ec2.IVpc;
  /** The ALB listener's port: 443 with a custom domain (TLS to the origin), else 80. */
  readonly listenerPort: number;
  readonly cloudFrontPrefixListId: string;
}

/**
 * Every tier's security group and every rule between them, in one place so that who may reach what reads
 * (and is tested) at a glance: CloudFront -> ALB -> tasks -> cache, database and VPC endpoints, nothing else.
 * They live in the Network stack so that the Data and Service stacks can both refer to them without a cycle.
 */
export class TierSecurityGroups extends Construct {
  readonly loadBalancer: ec2.SecurityGroup;
  readonly service: ec2.SecurityGroup;
  readonly cache: ec2.SecurityGroup;
  readonly database: ec2.SecurityGroup;
  readonly endpoints: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TierSecurityGroupsProps) {
    super(scope, id);
    const { vpc } = props;
    this.loadBalancer = new ec2.SecurityGroup(this, 'LoadBalancer', { vpc, description: 'StreamGate ALB: CloudFront origin-facing addresses only', allowAllOutbound: false });
    // Tasks call Bedrock, AgentCore, JWKS and OpenAI-compatible upstreams: through the endpoints or the NAT gateway.
    this.service = new ec2.SecurityGroup(this, 'Service', { vpc, description: 'StreamGate tasks: from the ALB only', allowAllOutbound: true });
    this.cache = new ec2.SecurityGroup(this, 'Cache', { vpc, description: 'StreamGate ElastiCache: from the tasks only', allowAllOutbound: false });
    this.database = new ec2.SecurityGroup(this, 'Database', { vpc, description: 'StreamGate PostgreSQL: from the tasks only', allowAllOutbound: false });
    this.endpoints = new ec2.SecurityGroup(this, 'Endpoints', { vpc, description: 'StreamGate VPC interface endpoints: from the tasks only', allowAllOutbound: false });

    // One rule only: the prefix list weighs ~55 rules against the security group's quota of 60.
    this.loadBalancer.addIngressRule(ec2.Peer.prefixList(props.cloudFrontPrefixListId), ec2.Port.tcp(props.listenerPort), 'CloudFront origin-facing');
    this.loadBalancer.addEgressRule(this.service, ec2.Port.tcp(GATEWAY_PORT), 'To the gateway tasks');
    this.service.addIngressRule(this.loadBalancer, ec2.Port.tcp(GATEWAY_PORT), 'From the ALB');
    this.cache.addIngressRule(this.service, ec2.Port.tcp(CACHE_PORT), 'From the gateway tasks');
    this.database.addIngressRule(this.service, ec2.Port.tcp(DATABASE_PORT), 'From the gateway tasks');
    this.endpoints.addIngressRule(this.service, ec2.Port.HTTPS, 'From the gateway tasks');
  }
}
