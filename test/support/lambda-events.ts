import type { LambdaEvent } from 'hono/aws-lambda';

/** A Lambda function URL (API Gateway v2 shape) event, as AWS delivers one. */
export function functionUrlEvent(
  method: string,
  path: string,
  body: string | null,
  isBase64Encoded = false,
): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws', 'content-type': 'application/json' },
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '123456789012',
      authentication: null,
      authorizer: {},
      apiId: 'abc',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  };
}
