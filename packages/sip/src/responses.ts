// Builders for responses and in-dialog requests, shared by the transport (400 to garbage) and the
// user agent.
import type { SipHeader, SipRequest, SipResponse } from './message';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 300 ? 'OK' : 'Error');
}

export interface ResponseOptions {
  reason?: string;
  /** Added to To when it has no tag yet (dialog-creating or final responses of the UAS). */
  toTag?: string;
  headers?: SipHeader[];
  body?: Buffer;
}

/** A response carrying the request's Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2). */
export function createResponse(
  request: { headers: SipHeader[] },
  status: number,
  opts: ResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of request.headers) {
    if (h.name === 'Via' || h.name === 'From' || h.name === 'Call-ID' || h.name === 'CSeq') headers.push({ ...h });
    else if (h.name === 'To') {
      const tagged = /;\s*tag=/i.test(h.value) || !opts.toTag ? h.value : `${h.value};tag=${opts.toTag}`;
      headers.push({ name: 'To', value: tagged });
    }
  }
  if (status === 100) {
    // A 100 Trying is hop-by-hop and never carries a To-tag (RFC 3261 §8.2.6.1).
    const to = headers.find((h) => h.name === 'To');
    if (to) to.value = request.headers.find((h) => h.name === 'To')?.value ?? to.value;
  }
  headers.push(...(opts.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: opts.reason ?? reasonPhrase(status),
    headers,
    body: opts.body ?? Buffer.alloc(0),
  };
}

export function isRequest(m: { kind: string }): m is SipRequest {
  return m.kind === 'request';
}
