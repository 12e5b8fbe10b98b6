import type { Construct } from 'constructs';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as certificatemanager from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { InfraConfig } from '../config/infra-config-schema.js';
import { API_PATH_PATTERNS, apiBehaviour } from './api-behaviour.js';

/** Props of {@link CdnStack}. */
export interface CdnStackProps extends StackProps {
  readonly config: Pick<InfraConfig, 'edge' | 'region'>;
  readonly originDomainName: string;
  readonly originUsesTls: boolean;
  readonly originSecret: secretsmanager.ISecret;
  readonly adminApiKey: secretsmanager.ISecret;
  /** The built web app (`index.html`, `assets/`). */
  readonly webAppDirectory: string;
  /** The viewer certificate created in us-east-1, unless `edge.domain.certificateArn` names one. */
  readonly certificate?: certificatemanager.ICertificate | undefined;
  readonly webAclArn?: string | undefined;
}

/**
 * CloudFront in front of everything: the web app from a private S3 bucket (Origin Access Control) by
 * default, and the API, SSE and WebSocket paths to the ALB. One origin, so the web app calls the API and
 * opens WebSockets on its own origin, with no CORS.
 */
export class CdnStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: CdnStackProps) {
    super(scope, id, props);
    const { edge } = props.config;
    this.bucket = new s3.Bucket(this, 'WebApp', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output lives here: rebuilt on every deploy.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const api = apiBehaviour({
      originDomainName: props.originDomainName,
      originUsesTls: props.originUsesTls,
      originSecretValue: props.originSecret.secretValue.unsafeUnwrap(),
      readTimeoutSeconds: edge.originReadTimeoutSeconds,
      keepaliveTimeoutSeconds: edge.originKeepaliveTimeoutSeconds,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'StreamGate: web app and gateway',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      // No custom error responses: they apply to every behaviour and would turn the API's 404s into index.html.
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, api])),
      defaultRootObject: 'index.html',
      priceClass: edge.priceClass as cloudfront.PriceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The default *.cloudfront.net certificate has a fixed policy; a custom one gets TLS 1.2 at least.
      ...(edge.domain
        ? { domainNames: [edge.domain.name], certificate: this.viewerCertificate(edge.domain, props.certificate), minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });

    new s3deploy.BucketDeployment(this, 'DeployWebApp', {
      sources: [s3deploy.Source.asset(props.webAppDirectory)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });

    if (edge.domain) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: edge.domain.hostedZoneId, zoneName: edge.domain.hostedZoneName });
      const target = route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasIpv4', { zone, recordName: edge.domain.name, target });
      new route53.AaaaRecord(this, 'AliasIpv6', { zone, recordName: edge.domain.name, target });
    }

    const host = edge.domain?.name ?? this.distribution.distributionDomainName;
    new CfnOutput(this, 'Url', { value: `https://${host}`, description: 'The web app; the API under /v1 and /api' });
    new CfnOutput(this, 'WebSocketUrl', { value: `wss://${host}/ws/sessions/<session-id>/chat`, description: 'A session-bound WebSocket (also wss://<host>/v1/ws/chat)' });
    new CfnOutput(this, 'AdminApiKeySecret', { value: props.adminApiKey.secretArn, description: 'Secrets Manager secret holding ADMIN_API_KEY' });
    new CfnOutput(this, 'AdminApiKeyCommand', {
      value: `aws secretsmanager get-secret-value --region ${props.config.region} --secret-id ${props.adminApiKey.secretArn} --query SecretString --output text`,
      description: 'Prints the admin key',
    });
  }

  private viewerCertificate(domain: NonNullable<InfraConfig['edge']['domain']>, created: certificatemanager.ICertificate | undefined): certificatemanager.ICertificate {
    if (domain.certificateArn) return certificatemanager.Certificate.fromCertificateArn(this, 'ViewerCertificate', domain.certificateArn);
    if (!created) throw new Error('edge.domain: no viewer certificate (the us-east-1 stack should have created one)');
    return created;
  }
}
