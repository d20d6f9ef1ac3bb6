import { FaultInjector, faultParser } from '@ivr/psp-simulator';
import type { Response } from 'express';
import type { Answer } from '../../domain/answer';
import { type Charset, CONTENT_TYPE, encodeAnswer, otherCharset } from './form-codec';

/**
 * Faults of a GMO-PG exchange (`POST /_sim/faults`), the Stripe simulator's rules with GMO-PG's answer shapes:
 * - none: latency only;
 * - timeout: the request runs (the charge is made) and no answer ever comes: the unknown outcome;
 * - reset: the request runs, then the connection is dropped;
 * - malformed: the request runs, then a 200 whose body is an HTML page, not `Name=value` pairs;
 * - truncated: the request runs, then a 200 with the first half of the real answer (it may still parse);
 * - wrongCharset: the request runs, then the answer in the other charset than the Content-Type says;
 * - http500 / http503: an HTML error page without running the request.
 */
export type GmoFaultMode =
  | 'none'
  | 'timeout'
  | 'reset'
  | 'malformed'
  | 'truncated'
  | 'wrongCharset'
  | 'http500'
  | 'http503';

export const parseGmoFault = faultParser<GmoFaultMode>({
  none: true,
  timeout: true,
  reset: true,
  malformed: true,
  truncated: true,
  wrongCharset: true,
  http500: false,
  http503: false,
});

export type GmoFaults = FaultInjector<GmoFaultMode>;
export const createFaults = (): GmoFaults => new FaultInjector<GmoFaultMode>();

const HTML_PAGE = (title: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

/** Answers (or not) as the fault says; `answer` is null when the request did not run. */
export function emitFault(res: Response, mode: GmoFaultMode, answer: Answer | null, charset: Charset): void {
  switch (mode) {
    case 'none':
      return;
    case 'timeout':
      // Held open: the client's own timeout decides. Closing the simulator drops it.
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'malformed':
      res.status(200).setHeader('Content-Type', 'text/html;charset=UTF-8');
      res.end(HTML_PAGE('System maintenance'));
      return;
    case 'truncated': {
      const bytes = answer ? encodeAnswer(answer, charset) : Buffer.alloc(0);
      res.status(200).setHeader('Content-Type', CONTENT_TYPE[charset]);
      res.end(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
      return;
    }
    case 'wrongCharset':
      res.status(200).setHeader('Content-Type', CONTENT_TYPE[charset]);
      res.end(answer ? encodeAnswer(answer, otherCharset(charset)) : Buffer.alloc(0));
      return;
    case 'http500':
    case 'http503':
      res.status(mode === 'http500' ? 500 : 503).setHeader('Content-Type', 'text/html;charset=UTF-8');
      res.end(HTML_PAGE(mode === 'http500' ? 'Internal Server Error' : 'Service Unavailable'));
      return;
  }
}
