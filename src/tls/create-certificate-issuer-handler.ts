import * as z from 'zod';
import { brokerCertificateSubject } from './broker-certificate-subject.js';
import { MAX_CSR_PEM_BYTES, readCertificateRequest } from './certificate-request.js';
import { readFleetCa } from './fleet-ca.js';
import type { FleetCaStore } from './fleet-ca-store.js';
import { readInstanceCaller } from './instance-caller.js';
import type { InstanceDescription, InstanceDirectory } from './instance-directory.js';
import { issueBrokerCertificate } from './issue-broker-certificate.js';

export interface CertificateIssuerDeps {
  /** The fleet CA secret; read on every request, so a replaced CA applies at once. */
  readonly caStore: Pick<FleetCaStore, 'read'>;
  readonly instances: InstanceDirectory;
  readonly now: () => Date;
  /** One JSON-able entry per request: what was issued, or refused and why. Default: console.log as JSON. */
  readonly log?: (entry: Readonly<Record<string, unknown>>) => void;
}

/** A function URL answer (payload format 2.0). */
export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The success body: the certificate and the CA it chains to, both PEM with LF line ends. */
export interface IssuedCertificateBody {
  readonly certificatePem: string;
  readonly caCertificatePem: string;
  readonly notAfter: string;
  readonly subjectAltNames: readonly string[];
}

// The part of a function URL event the issuer reads; Lambda fills `authorizer.iam` under AWS_IAM auth.
const functionUrlEvent = z.object({
  requestContext: z.object({
    http: z.object({ method: z.string() }),
    authorizer: z
      .object({
        iam: z.object({ userArn: z.string().optional(), userId: z.string().optional() }).optional(),
      })
      .optional(),
  }),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});

const issueRequest = z.strictObject({ csrPem: z.string() });

/** Why a request got no certificate: the status, a stable code, and a message for the broker's log. */
interface Refusal {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
}

/**
 * The certificate issuer behind a function URL with AWS_IAM auth: a broker
 * POSTs `{ "csrPem": "…" }` signed with its instance role, and gets
 * `{ certificatePem, caCertificatePem, notAfter, subjectAltNames }`, a
 * certificate for its key that names what EC2 says the calling instance is
 * (see `brokerCertificateSubject`), never what the CSR asks for. Refusals are
 * `{ "error": { "code", "message" } }` with a 4xx status; a CA or EC2 that cannot
 * be read is a 503; nothing answers with a stack or a key.
 *
 * @example export const handler = createCertificateIssuerHandler({ caStore, instances: new Ec2InstanceDirectory(ec2), now: () => new Date() });
 */
export function createCertificateIssuerHandler(
  deps: CertificateIssuerDeps,
): (event: unknown) => Promise<FunctionUrlResult> {
  const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
  const refuse = (statusCode: number, code: string, message: string): Refusal => ({
    statusCode,
    code,
    message,
  });

  const issue = async (event: unknown): Promise<IssuedCertificateBody | Refusal> => {
    const parsed = functionUrlEvent.safeParse(event);
    if (!parsed.success) return refuse(400, 'invalid_request', 'not a function URL request');
    const { requestContext, isBase64Encoded } = parsed.data;
    const body = parsed.data.body ?? '';
    if (requestContext.http.method !== 'POST') {
      return refuse(405, 'method_not_allowed', 'POST {"csrPem": "..."} to issue a certificate');
    }
    const iam = requestContext.authorizer?.iam;
    const identity = readInstanceCaller(iam?.userArn, iam?.userId);
    if (!identity.ok) return refuse(403, 'not_an_instance', identity.reason);
    const { caller } = identity;

    const csrPem = readCsrPem(isBase64Encoded ? Buffer.from(body, 'base64').toString() : body);
    if (typeof csrPem !== 'string') return csrPem;
    const request = readCertificateRequest(csrPem);
    if (!request.ok) return refuse(400, request.code, request.reason);

    let instance: InstanceDescription | undefined;
    try {
      instance = await deps.instances.describe(caller.instanceId);
    } catch (error) {
      log({ level: 'ERROR', message: 'instance lookup failed', error: String(error) });
      return refuse(503, 'instance_lookup_failed', 'EC2 could not be asked; try again');
    }
    const subject = brokerCertificateSubject(caller, instance);
    if (!subject.ok) return refuse(403, subject.code, subject.reason);

    const now = deps.now();
    let secretString: string | undefined;
    try {
      secretString = await deps.caStore.read();
    } catch (error) {
      log({ level: 'ERROR', message: 'fleet CA unreadable', error: String(error) });
      return refuse(503, 'ca_unavailable', 'the fleet CA could not be read; try again');
    }
    const ca = readFleetCa(secretString, now);
    if (!ca.ok) return refuse(503, 'ca_unavailable', `no usable fleet CA: ${ca.reason}`);

    const issued = issueBrokerCertificate({
      ca: ca.ca,
      subjectPublicKeyInfo: request.request.subjectPublicKeyInfo,
      subject: subject.subject,
      now,
    });
    const subjectAltNames = [`IP:${subject.subject.ipAddress}`, `DNS:${subject.subject.dnsName}`];
    log({
      level: 'INFO',
      message: 'issued a broker certificate',
      nodeId: subject.subject.nodeId,
      instanceId: caller.instanceId,
      subjectAltNames,
      key: request.request.keyDescription,
      serialNumber: issued.serialNumber,
      notAfter: issued.notAfter.toISOString(),
    });
    return {
      certificatePem: issued.certificatePem,
      // The fleet CA made by node-forge has CRLF line ends; brokers' tools expect LF.
      caCertificatePem: ca.ca.certificatePem.replaceAll('\r\n', '\n'),
      notAfter: issued.notAfter.toISOString(),
      subjectAltNames,
    };
  };

  return async (event) => {
    let outcome: IssuedCertificateBody | Refusal;
    try {
      outcome = await issue(event);
    } catch (error) {
      log({ level: 'ERROR', message: 'internal error', error: String(error) });
      return json(500, { error: { code: 'internal_error', message: 'the issuer failed' } });
    }
    if (!('code' in outcome)) return json(200, outcome);
    log({ level: 'WARN', message: 'refused', code: outcome.code, reason: outcome.message });
    return json(outcome.statusCode, { error: { code: outcome.code, message: outcome.message } });
  };
}

function readCsrPem(body: string): string | Refusal {
  // JSON escapes can only lengthen a PEM: a body this long holds no CSR the issuer would take.
  const maxBytes = 2 * MAX_CSR_PEM_BYTES;
  if (Buffer.byteLength(body) > maxBytes) {
    return {
      statusCode: 413,
      code: 'request_too_large',
      message: `the body is over ${maxBytes} bytes`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {
      statusCode: 400,
      code: 'invalid_request',
      message: 'the body is not JSON: send {"csrPem": "..."}',
    };
  }
  const parsed = issueRequest.safeParse(json);
  if (!parsed.success) {
    return {
      statusCode: 400,
      code: 'invalid_request',
      message: 'the body must be {"csrPem": "<PEM CSR>"}',
    };
  }
  return parsed.data.csrPem;
}

function json(statusCode: number, body: unknown): FunctionUrlResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
