import { z } from 'zod';

/** A VPC needs room for six subnets (public, private, isolated in two zones): /16 is AWS's largest, /24 the smallest here. */
const SMALLEST_PREFIX = 24;
const LARGEST_PREFIX = 16;

/**
 * An IPv4 CIDR block for the VPC, checked here because CloudFormation would only refuse a bad one
 * minutes into a deploy, and CDK would silently carve subnets out of a misaligned one.
 *
 * @example ipv4Cidr.parse('10.40.0.0/16') // '10.40.0.0/16'
 */
export const ipv4Cidr = z.string().check((context) => {
  const problem = cidrProblem(context.value);
  if (problem) context.issues.push({ code: 'custom', input: context.value, message: `${problem}, got "${context.value}"` });
});

function cidrProblem(value: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return 'must be an IPv4 CIDR block such as 10.40.0.0/16';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return 'has an octet above 255';
  if (prefix < LARGEST_PREFIX || prefix > SMALLEST_PREFIX) return `must have a prefix from /${LARGEST_PREFIX} to /${SMALLEST_PREFIX}`;
  const address = octets.reduce((total, octet) => total * 256 + octet, 0);
  const blockSize = 2 ** (32 - prefix);
  if (address % blockSize !== 0) {
    const network = address - (address % blockSize);
    const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `has host bits set (did you mean ${dotted}/${prefix}?)`;
  }
  return undefined;
}
