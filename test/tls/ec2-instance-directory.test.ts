import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { Ec2InstanceDirectory } from '../../src/tls/ec2-instance-directory.js';
import { InstanceLookupError } from '../../src/tls/instance-directory.js';

const INSTANCE = 'i-0123456789abcdef0';

// EC2's query-protocol answers, trimmed to what the adapter reads; the SDK parses them for real.
const DESCRIBED = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r-1</requestId>
  <reservationSet><item><reservationId>r-0abc</reservationId><instancesSet><item>
    <instanceId>${INSTANCE}</instanceId>
    <instanceState><code>16</code><name>running</name></instanceState>
    <privateDnsName>ip-10-0-1-23.eu-west-1.compute.internal</privateDnsName>
    <privateIpAddress>10.0.1.23</privateIpAddress>
    <iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/WarrenBroker-b1-Role1ABC</arn><id>AIPAEXAMPLE</id></iamInstanceProfile>
    <tagSet>
      <item><key>warren:broker</key><value>b1</value></item>
      <item><key>Name</key><value>WarrenBroker-b1/Instance</value></item>
    </tagSet>
  </item></instancesSet></item></reservationSet>
</DescribeInstancesResponse>`;

const errorAnswer = (code: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${code} for ${INSTANCE}</Message></Error></Errors><RequestID>r-2</RequestID></Response>`;

/** The SDK's EC2 client answered by `answer` instead of the network. */
function directory(statusCode: number, body: string, seen: string[] = []): Ec2InstanceDirectory {
  const client = new EC2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        seen.push(String(request.body));
        return {
          response: {
            statusCode,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    },
  });
  return new Ec2InstanceDirectory(client);
}

describe('Ec2InstanceDirectory', () => {
  it('describes the instance by id: state, private address and DNS name, profile and tags', async () => {
    const seen: string[] = [];

    const instance = await directory(200, DESCRIBED, seen).describe(INSTANCE);

    expect(seen[0]).toContain(`Action=DescribeInstances`);
    expect(seen[0]).toContain(`InstanceId.1=${INSTANCE}`);
    expect(instance).toEqual({
      instanceId: INSTANCE,
      state: 'running',
      privateIpAddress: '10.0.1.23',
      privateDnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/WarrenBroker-b1-Role1ABC',
      tags: { 'warren:broker': 'b1', Name: 'WarrenBroker-b1/Instance' },
    });
  });

  it.each(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed'])(
    'knows no instance when EC2 answers %s',
    async (code) => {
      expect(await directory(400, errorAnswer(code)).describe(INSTANCE)).toBeUndefined();
    },
  );

  it('wraps any other EC2 error, naming the instance and the SDK error', async () => {
    const lookup = directory(403, errorAnswer('UnauthorizedOperation')).describe(INSTANCE);

    await expect(lookup).rejects.toThrow(InstanceLookupError);
    await expect(lookup).rejects.toThrow(
      `instance ${INSTANCE}: DescribeInstances failed (UnauthorizedOperation`,
    );
  });
});
