import { Construct } from 'constructs';
import * as customResources from 'aws-cdk-lib/custom-resources';

/** The AWS-managed prefix list of the addresses CloudFront uses to reach origins, in every region. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/** Props of {@link CloudFrontOriginFacingPrefixList}. */
export interface CloudFrontOriginFacingPrefixListProps {
  /** The list's id in the region (`pl-3b927c52` in us-east-1), when known; otherwise it is looked up at deploy time. */
  readonly prefixListId?: string | undefined;
}

/**
 * The id of CloudFront's origin-facing prefix list in the stack's region. Each region has its own id, and
 * `PrefixList.fromLookup` would need AWS credentials at synth time; a describe call at deploy time keeps
 * synth offline and the stack region-agnostic.
 */
export class CloudFrontOriginFacingPrefixList extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string, props: CloudFrontOriginFacingPrefixListProps) {
    super(scope, id);
    if (props.prefixListId) {
      this.prefixListId = props.prefixListId;
      return;
    }
    const idPath = 'PrefixLists.0.PrefixListId';
    const lookup = new customResources.AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST] }] },
        physicalResourceId: customResources.PhysicalResourceId.of(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST),
        outputPaths: [idPath],
      },
      // Describe calls have no resource-level permissions.
      policy: customResources.AwsCustomResourcePolicy.fromSdkCalls({ resources: customResources.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField(idPath);
  }
}
