/** The gateway's port in its container (PORT); the ALB target group and the service security group use it. */
export const GATEWAY_PORT = 8000;
/** ElastiCache's port for Redis and Valkey, TLS included. */
export const CACHE_PORT = 6379;
/** PostgreSQL's port on RDS and Aurora. */
export const DATABASE_PORT = 5432;
/** CloudFront's origin-facing prefix list counts ~55 entries against the 60-rule limit of a security group: one listener port only. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
