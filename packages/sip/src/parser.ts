// Parses one SIP message from bytes (RFC 3261 §7, §25). Never throws: garbage yields an error
// with whatever headers could be read, so the caller can still answer 400 when a Via survived.

import { parseCSeq, parseVia } from './header-values';
import { canonicalHeaderName, header, type SipHeader, type SipMessage } from './message';

export interface ParseLimits {
  maxHeaders: number;
  maxLineLength: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxHeaders: 100, maxLineLength: 8192 };

export type ParseResult =
  | { ok: true; message: SipMessage }
  | { ok: false; error: string; startLine?: string; headers: SipHeader[] };

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/** Byte offset where the header section ends (index of the blank line's first byte), and its length. */
export function findHeaderEnd(buf: Buffer, from = 0): { at: number; sepLength: number } | undefined {
  // A byte loop: Buffer.indexOf with a string costs more than the whole parse on small messages.
  for (let i = buf.indexOf(0x0a, from); i >= 0 && i < buf.length; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a)
      return buf[i - 1] === 0x0d && i > from ? { at: i - 1, sepLength: 3 } : { at: i, sepLength: 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) {
      return buf[i - 1] === 0x0d && i > from ? { at: i - 1, sepLength: 4 } : { at: i, sepLength: 3 };
    }
  }
  return undefined;
}

/**
 * Parses a whole datagram or one framed stream message. With `stream` the body length must match
 * Content-Length exactly (the framer already cut it); on datagrams extra bytes are discarded.
 */
export function parseMessage(buf: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult {
  // Leading CRLFs are keep-alives or stray bytes between messages (RFC 3261 §7.5).
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const end = findHeaderEnd(buf, start);
  const headText = buf.subarray(start, end ? end.at : buf.length).toString('latin1');
  const lines = unfold(headText.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
  const startLine = lines.shift() ?? '';
  const headers: SipHeader[] = [];
  const fail = (error: string): ParseResult => ({ ok: false, error, startLine, headers });

  for (const line of lines) {
    if (line.length > limits.maxLineLength) return fail('header line too long');
    const colon = line.indexOf(':');
    if (colon <= 0) return fail('header line without a colon');
    const rawName = line.slice(0, colon).trim();
    if (!TOKEN.test(rawName)) return fail(`invalid header name`);
    if (headers.length >= limits.maxHeaders) return fail('too many headers');
    headers.push({ name: canonicalHeaderName(rawName), value: line.slice(colon + 1).trim() });
  }
  if (!end) return fail('no blank line after the headers');
  if (startLine.length > limits.maxLineLength) return fail('start line too long');

  const bodyStart = end.at + end.sepLength;
  const available = buf.length - bodyStart;
  const lengthText = header({ headers }, 'Content-Length');
  let bodyLength = available;
  if (lengthText !== undefined) {
    if (!/^\d{1,9}$/.test(lengthText)) return fail('invalid Content-Length');
    bodyLength = Number(lengthText);
    if (bodyLength > available) return fail('body shorter than Content-Length');
  }
  const body = Buffer.from(buf.subarray(bodyStart, bodyStart + bodyLength));

  for (const name of MANDATORY) if (header({ headers }, name) === undefined) return fail(`missing ${name}`);
  const via = header({ headers }, 'Via');
  if (!via || !parseVia(via.split(',')[0]!)) return fail('invalid Via');
  const cseq = parseCSeq(header({ headers }, 'CSeq') ?? '');
  if (!cseq) return fail('invalid CSeq');

  const req = REQUEST_LINE.exec(startLine);
  if (req) {
    const method = req[1]!;
    if (method.toUpperCase() !== cseq.method) return fail('CSeq method does not match the request method');
    return { ok: true, message: { kind: 'request', method, uri: req[2]!, headers, body } };
  }
  const res = STATUS_LINE.exec(startLine);
  if (res) {
    return { ok: true, message: { kind: 'response', status: Number(res[1]), reason: res[2] ?? '', headers, body } };
  }
  return fail('invalid start line');
}

/** Joins continuation lines (leading space or tab) onto the previous line (RFC 3261 §7.3.1). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`;
    } else if (line.length > 0) out.push(line);
  }
  return out;
}
