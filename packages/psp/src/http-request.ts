import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What a PSP answered: the status, the content type and the whole body. */
export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A form, already encoded; sent with its length (no chunked encoding). */
  body?: string;
  /** Whole-request deadline, from sending to the last byte of the answer. */
  timeoutMs: number;
}

// Keep-alive pools, one per scheme, shared by every connector of the process (fetch's global dispatcher did the same).
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** The error a request that outlived its deadline fails with (the name `networkFailure` reads, as fetch's). */
function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/**
 * One HTTP(S) exchange on node:http with a keep-alive agent: fetch's WHATWG layers (streams, Headers,
 * AbortSignal) were a tenth of authorization's CPU per call. Rejects on a network failure (the error
 * carries node's `code`: ECONNREFUSED, ECONNRESET, ...) or at the deadline (`TimeoutError`), which
 * `networkFailure` classifies; every status resolves.
 */
export function sendHttp(url: URL, request: HttpRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new Error(`unsupported PSP URL scheme ${url.protocol}`));
      return;
    }
    const headers: OutgoingHttpHeaders = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const answered = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        });
      });
    };
    const options = { method: request.method, headers, agent: secure ? agents.https : agents.http };
    const req = secure ? httpsRequest(url, options, answered) : httpRequest(url, options, answered);
    const timer = setTimeout(() => fail(timeoutError(request.timeoutMs)), request.timeoutMs);
    req.on('error', fail);
    req.end(request.body);
  });
}
