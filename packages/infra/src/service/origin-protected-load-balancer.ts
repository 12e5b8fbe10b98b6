import { Construct } from 'constructs';
import { Duration } from 'aws-cdk-lib';
import type * as certificatemanager from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ORIGIN_VERIFY_HEADER_NAME } from '@streamgate/protocol';
import { GATEWAY_PORT, HTTP_PORT, HTTPS_PORT } from '../ports.js';

/** Props of {@link OriginProtectedLoadBalancer}. */
export interface OriginProtectedLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly idleTimeoutSeconds: number;
  readonly deregistrationDelaySeconds: number;
  readonly originSecret: secretsmanager.ISecret;
  /** TLS from CloudFront to the ALB, for `origin.<domain>`; without it the listener is plain HTTP on port 80. */
  readonly certificate?: certificatemanager.ICertificate | undefined;
}

/**
 * An internet-facing ALB that only CloudFront can use: its security group admits only CloudFront's
 * origin-facing addresses (see TierSecurityGroups), and its listener forwards only requests carrying the
 * secret origin header; anything else gets 403. CloudFront's addresses are shared by every CloudFront
 * customer, so the security group alone does not prove a request is ours; the gateway checks the same
 * header again (ORIGIN_VERIFY_HEADER). It proxies WebSockets natively, unlike an API Gateway
 * WebSocket API (frames become POSTs) or an NLB (no path routing, no HTTP health checks).
 */
export class OriginProtectedLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: OriginProtectedLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: props.securityGroup,
      // Reset only by data bytes; the config checks it against the heartbeat.
      idleTimeout: Duration.seconds(props.idleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Gateway', {
      vpc: props.vpc,
      port: GATEWAY_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      // ECS waits this long before SIGTERM; streams still open when it ends are closed by the ALB.
      deregistrationDelay: Duration.seconds(props.deregistrationDelaySeconds),
      healthCheck: {
        // Liveness, not /ready: a Redis outage must not take every task out of the target group at once.
        path: '/health',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.listener = this.loadBalancer.addListener('Listener', {
      port: props.certificate ? HTTPS_PORT : HTTP_PORT,
      protocol: props.certificate ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      ...(props.certificate ? { certificates: [props.certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS } : {}),
      // No 0.0.0.0/0 rule: the security group's prefix-list rule is the only way in.
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }),
    });
    this.listener.addAction('FromCloudFront', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER_NAME, [props.originSecret.secretValue.unsafeUnwrap()])],
      action: elbv2.ListenerAction.forward([this.targetGroup]),
    });
  }
}
