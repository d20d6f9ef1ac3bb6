import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { SendResult, WebhookTransport } from '../../app/ports';
import { addressAllowed, type DestinationPolicy, webhookUrlProblem } from '../../webhooks/destination';

/** Resolves a host name to its addresses (dns.lookup with all: true); tests give their own. */
export type Resolve = (host: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export interface SendOptions {
  policy: DestinationPolicy;
  timeoutMs: number;
  resolve?: Resolve;
}

/** Thrown inside the lookup when every address of the name is outside the policy. */
class RefusedDestination extends Error {
  override readonly name = 'RefusedDestination';
  readonly code = 'EREFUSEDDESTINATION';
}

/**
 * The `lookup` of each connection: resolves the name, keeps only the addresses the policy allows and
 * connects to one of them, so what was checked is what is connected to (a DNS answer that changes
 * between the check and the connection, or a name that points inside, cannot get through).
 */
export function safeLookup(protocol: string, policy: DestinationPolicy, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((a) => addressAllowed(a.address, protocol, policy));
        const first = allowed[0];
        if (!first) return callback(new RefusedDestination('no allowed address'), '', 0);
        if ((options as { all?: boolean }).all)
          return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * POSTs a webhook: only to a URL and an address the policy allows, never following a redirect (a 3xx
 * is the endpoint's answer and counts as a failure), within `timeoutMs` in all (connect, TLS, answer).
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  o: SendOptions,
): Promise<SendResult> {
  if (webhookUrlProblem(url, o.policy) !== null) return Promise.resolve({ failure: 'refused' });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal is connected to without a lookup: it is judged here instead.
  if (isIP(host) && !addressAllowed(host, target.protocol, o.policy)) return Promise.resolve({ failure: 'refused' });
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: safeLookup(target.protocol, o.policy, o.resolve ?? systemResolve),
        agent: false, // a fresh connection each time: every attempt resolves and checks again
        signal: AbortSignal.timeout(o.timeoutMs),
      },
      (res) => {
        res.resume(); // the answer's body is not read, only drained
        done({ status: res.statusCode ?? 0 });
      },
    );
    req.on('error', (err: Error & { code?: string }) => {
      if (err.name === 'AbortError' || err.code === 'ABORT_ERR') done({ failure: 'timeout' });
      else done({ failure: err.code === 'EREFUSEDDESTINATION' ? 'refused' : 'unreachable' });
    });
    req.end(body);
  });
}

/** The dispatcher's transport: HTTP(S) POSTs only where `policy` allows, resolved by `resolve`. */
export function webhookTransport(policy: DestinationPolicy, resolve?: Resolve): WebhookTransport {
  return {
    post: (url, headers, body, timeoutMs) =>
      postWebhook(url, headers, body, { policy, timeoutMs, ...(resolve ? { resolve } : {}) }),
  };
}
