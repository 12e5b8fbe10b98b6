/**
 * The header a CDN in front of the gateway adds with a secret value, so that the load balancer (and the
 * gateway, with `ORIGIN_VERIFY_HEADER`) can refuse requests that did not come through it. Shared by the
 * gateway and the AWS deployment, so the two always name the same header.
 */
export const ORIGIN_VERIFY_HEADER_NAME = 'x-origin-verify';
