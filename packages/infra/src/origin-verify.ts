/**
 * The header CloudFront adds to every request it sends to the ALB, carrying a generated secret. The ALB
 * forwards only requests that carry it (everything else gets 403), and the gateway receives the same value
 * as ORIGIN_VERIFY_HEADER to check it again: the ALB is internet-facing, and CloudFront's address ranges
 * are shared by every CloudFront customer, so the security group alone does not prove the request is ours.
 */
export const ORIGIN_VERIFY_HEADER_NAME = 'x-origin-verify';
