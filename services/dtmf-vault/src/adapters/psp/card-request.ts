// The one way card data leaves the vault, for every tokenizer: an HTTP/1.1 POST written as ONE buffer
// (request line, headers and form body together), assembled from SecretDigits at the last moment, handed
// to the socket in a single write once the connection (and the TLS handshake) is up, and zeroed as soon
// as the socket has taken it (and again when the answer or the failure comes).
//
// Why not node:http/https or fetch: they write the headers and the body as separate chunks, corked into
// one writev, and as soon as the socket exists. Node's TLS layer (TLSWrap::DoWrite, src/crypto/crypto_tls.cc)
// copies the plaintext into a native buffer of its own, freed without being zeroed, whenever it cannot
// hand the caller's buffer to SSL_write directly: several chunks (SSL_write has no writev), a write
// before the handshake is done, or a write made while OpenSSL's own stack is running (from the
// 'secureConnect' handler). A copy of the card number then stays in freed memory, out of reach of any
// wipe (services/dtmf-vault/test/memory.int.test.ts found it there). One non-empty buffer written after
// the handshake, outside OpenSSL's callbacks, goes to SSL_write from our memory directly: OpenSSL copies
// it into its record buffer and encrypts it there in place, so only ciphertext stays; our buffer is zeroed.
import net from 'node:net';
import tls from 'node:tls';
import type { SecretDigits } from '../../card/secret-digits';

/** A piece of a form body: form-encoded ASCII text, or card digits copied as ASCII straight into the request. */
export type FormPart = string | SecretDigits;

export interface CardRequest {
  url: URL;
  /** Extra headers (ASCII): authorization, idempotency key. Host, Content-Type, -Length and Connection are set here. */
  headers: Record<string, string>;
  /** The form body in order; text parts must already be form-encoded ASCII. */
  body: readonly FormPart[];
  /** Fails with `timeout` when the PSP sends nothing for this long (connecting, or while answering). */
  timeoutMs: number;
  /**
   * Fails with `timeout` when the whole exchange (connect, handshake, request, answer) takes longer,
   * however steadily the PSP trickles its answer (default DEFAULT_DEADLINE_MS).
   */
  deadlineMs?: number;
  /** Trusted CAs for https (tests: stripe-mock's certificate); the system's by default. */
  ca?: string | Buffer;
}

export interface CardResponse {
  status: number;
  /** Lower-case names. */
  headers: Map<string, string>;
  body: Buffer;
}

/** Why no answer came: `unsent` certainly reached nothing; `timeout` and `reset` may have been processed. */
export class CardRequestFailed extends Error {
  constructor(
    readonly reason: 'unsent' | 'timeout' | 'reset',
    message: string,
  ) {
    super(message);
  }
}

/** The whole exchange's deadline when the caller sets none (PSP_DEADLINE_MS). */
export const DEFAULT_DEADLINE_MS = 9000;

/** A PSP's answer to a card registration is a few KiB; more is not an answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

const ascii = (text: string) => Buffer.from(text, 'latin1');

/** The whole request in one buffer: the only place the card is written out. The caller zeroes it. */
export function requestBytes(request: Pick<CardRequest, 'url' | 'headers' | 'body'>): Buffer {
  const parts = request.body.map((part) => (typeof part === 'string' ? ascii(part) : part));
  const bodyLength = parts.reduce((n, part) => n + part.length, 0);
  const { url } = request;
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${bodyLength}`,
    'Connection: close',
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (lines.some((line) => /[\r\n]/.test(line))) throw new RangeError('header values may not contain line breaks');
  const head = ascii(`${lines.join('\r\n')}\r\n\r\n`);
  // Buffer.alloc (never the shared pool of allocUnsafe): this buffer's memory is the card's only copy.
  const bytes = Buffer.alloc(head.length + bodyLength);
  head.copy(bytes, 0);
  let offset = head.length;
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      part.copy(bytes, offset);
      offset += part.length;
    } else {
      part.withAsciiDigits((digits) => {
        bytes.set(digits, offset);
        offset += digits.length;
      });
    }
  }
  return bytes;
}

/** Sends the request and reads the whole answer. */
export function sendCardRequest(request: CardRequest): Promise<CardResponse> {
  const { url } = request;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new RangeError('PSP URL must be http(s)'));
  const port = Number(url.port) || (secure ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<CardResponse>((resolve, reject) => {
    let bytes: Buffer | undefined;
    let sent = false;
    let settled = false;
    let received = 0;
    const chunks: Buffer[] = [];
    const wipe = () => {
      bytes?.fill(0);
      bytes = undefined;
    };
    const socket = secure
      ? tls.connect({
          host,
          port,
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(request.ca ? { ca: request.ca } : {}),
        })
      : net.connect({ host, port });
    const deadlineMs = request.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const deadline = setTimeout(
      () =>
        settle({
          error: new CardRequestFailed(sent ? 'timeout' : 'unsent', `the PSP did not answer within ${deadlineMs} ms`),
        }),
      deadlineMs,
    );
    const settle = (outcome: { answer: CardResponse } | { error: CardRequestFailed }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      wipe();
      socket.destroy();
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.error);
    };
    const answered = () => {
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) settle({ answer: parsed });
      else settle({ error: new CardRequestFailed('reset', 'the PSP closed the connection without a complete answer') });
    };
    socket.setTimeout(request.timeoutMs, () =>
      settle({
        error: new CardRequestFailed(
          sent ? 'timeout' : 'unsent',
          `no answer from the PSP within ${request.timeoutMs} ms`,
        ),
      }),
    );
    // Not from the 'secureConnect' handler itself: Node emits it from inside OpenSSL's handshake
    // callback, where TLSWrap cannot call SSL_write and copies the write aside ("Deferring write issued
    // from the SSL library's stack"): the very copy this module exists to avoid. One tick later it can.
    socket.once(secure ? 'secureConnect' : 'connect', () =>
      setImmediate(() => {
        if (settled) return;
        bytes = requestBytes(request);
        sent = true;
        // One write of one buffer, nothing corked before it: TLS encrypts it from here. Zeroed once taken.
        socket.write(bytes, wipe);
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_ANSWER_BYTES) {
        settle({ error: new CardRequestFailed('reset', 'the PSP answer is too large') });
        return;
      }
      chunks.push(chunk);
      // Complete once the Content-Length body is in, whether or not the server closes.
      if (completeByLength(Buffer.concat(chunks))) answered();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      settle({
        error: new CardRequestFailed(sent ? 'reset' : 'unsent', `PSP connection failed (${error.code ?? 'error'})`),
      }),
    );
    socket.once('close', () => {
      if (!sent)
        settle({ error: new CardRequestFailed('unsent', 'the PSP connection closed before the request was sent') });
      else answered();
    });
  });
}

function completeByLength(raw: Buffer): boolean {
  const end = raw.indexOf(HEADER_END);
  if (end < 0) return false;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(raw.subarray(0, end).toString('latin1'));
  return length !== null && raw.length - end - 4 >= Number(length[1]);
}

/** An HTTP/1.1 answer read to its end: status, headers (lower-case names), body (Content-Length, chunked or until close). */
export function parseResponse(raw: Buffer): CardResponse | null {
  const end = raw.indexOf(HEADER_END);
  if (end < 0) return null;
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!status) return null;
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body: Buffer | null = raw.subarray(end + 4);
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = dechunk(body);
  else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    body = Number.isInteger(length) && body.length >= length ? body.subarray(0, length) : null;
  }
  return body ? { status: Number(status[1]), headers, body: Buffer.from(body) } : null;
}

function dechunk(data: Buffer): Buffer | null {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) return null;
    if (size === 0) return Buffer.concat(out);
    const start = lineEnd + 2;
    if (data.length < start + size) return null;
    out.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
