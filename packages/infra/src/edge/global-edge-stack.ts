import type { Construct } from 'constructs';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as certificatemanager from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { InfraConfig } from '../config/infra-config-schema.js';

/** Props of {@link GlobalEdgeStack}. */
export interface GlobalEdgeStackProps extends StackProps {
  readonly edge: InfraConfig['edge'];
}

/**
 * What CloudFront accepts only from us-east-1, whatever the deployment's region: the viewer certificate
 * and a CLOUDFRONT-scoped web ACL. Created only when the config asks for them and does not bring its own.
 */
export class GlobalEdgeStack extends Stack {
  readonly certificate?: certificatemanager.ICertificate;
  readonly webAclArn?: string;

  constructor(scope: Construct, id: string, props: GlobalEdgeStackProps) {
    super(scope, id, props);
    const { domain, waf } = props.edge;
    if (domain && !domain.certificateArn) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.hostedZoneName });
      this.certificate = new certificatemanager.Certificate(this, 'ViewerCertificate', {
        domainName: domain.name,
        validation: certificatemanager.CertificateValidation.fromDns(zone),
      });
    }
    if (waf) {
      const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
      // No AWSManagedRulesCommonRuleSet: its 8 KB body limit would block long chat requests.
      const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
        scope: 'CLOUDFRONT',
        defaultAction: { allow: {} },
        visibilityConfig: visibility('streamgate'),
        rules: [
          {
            name: 'RequestsPerAddress',
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: waf.requestsPerFiveMinutesPerAddress, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
            visibilityConfig: visibility('streamgate-rate'),
          },
          {
            name: 'AmazonIpReputationList',
            priority: 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
            visibilityConfig: visibility('streamgate-reputation'),
          },
        ],
      });
      this.webAclArn = webAcl.attrArn;
    }
  }
}
