import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { PublishRequestRecord } from '../service/publish-metrics.js';
import { REQUEST_LOG_MESSAGE, requestLogFields } from '../service/publish-request-reporter.js';

/** The request log's name in the data dir. */
export const API_LOG_FILE = 'api.log';

export interface ApiLog {
  /** Appends one request's line; never throws (a failed write is dropped, not the request). */
  record(request: PublishRequestRecord): void;
  close(): Promise<void>;
}

/**
 * The local API's request log: one JSON line per request, with the fields of
 * the publish Lambda's log line (`requestLogFields`) plus `time` and
 * `message`, appended to `path` through one buffered stream.
 *
 * @example const log = openApiLog('.warren/api.log'); createApp(service, { onRequest: log.record });
 */
export function openApiLog(path: string): ApiLog {
  const stream = createWriteStream(path, { flags: 'a' });
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return {
    record: (request) => {
      if (broken) return;
      const line = {
        time: new Date().toISOString(),
        message: REQUEST_LOG_MESSAGE,
        ...requestLogFields(request),
      };
      stream.write(`${JSON.stringify(line)}\n`);
    },
    close: async () => {
      if (broken || stream.closed) return;
      stream.end();
      await once(stream, 'close').catch(() => undefined);
    },
  };
}
