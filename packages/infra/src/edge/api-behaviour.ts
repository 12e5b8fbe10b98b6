import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { ORIGIN_VERIFY_HEADER_NAME } from '@streamgate/protocol';

/** The paths CloudFront sends to the gateway; everything else is the web app from S3. */
export const API_PATH_PATTERNS = ['/v1/*', '/api/*', '/ws/*'] as const;

/** Props of {@link apiBehaviour}. */
export interface ApiBehaviourProps {
  readonly originDomainName: string;
  readonly originUsesTls: boolean;
  readonly originSecretValue: string;
  readonly readTimeoutSeconds: number;
  readonly keepaliveTimeoutSeconds: number;
}

/**
 * How CloudFront passes API, SSE and WebSocket traffic to the ALB: never cached; every viewer header but
 * Host (so `Upgrade`, `Sec-WebSocket-*`, `Authorization`, `X-API-Key`, `Last-Event-ID`) and every query
 * string (`?ticket=`) reach the gateway; all methods; no compression, which would hold SSE events back;
 * a read timeout that outlasts the gap between two heartbeats.
 */
export function apiBehaviour(props: ApiBehaviourProps): cloudfront.BehaviorOptions {
  const origin = new origins.HttpOrigin(props.originDomainName, {
    protocolPolicy: props.originUsesTls ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
    originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    readTimeout: Duration.seconds(props.readTimeoutSeconds),
    keepaliveTimeout: Duration.seconds(props.keepaliveTimeoutSeconds),
    customHeaders: { [ORIGIN_VERIFY_HEADER_NAME]: props.originSecretValue },
  });
  return {
    origin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    compress: false,
  };
}
