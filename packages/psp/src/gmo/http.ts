import { networkFailure } from '../http-failure';
import { sendHttp } from '../http-request';
import type { GatewayFailure } from '../outcome';
import { encodeGmoForm, type GmoError, type GmoField, parseGmoAnswer } from './wire';

export type GmoApi =
  | 'EntryTran'
  | 'ExecTran'
  | 'AlterTran'
  | 'ChangeTran'
  | 'SearchTrade'
  | 'SaveMember'
  | 'SaveCard'
  | 'SearchCard';

/** What one exchange ended in: GMO-PG's fields, its refusal, or a failure already classified. */
export type GmoExchange =
  | { kind: 'answered'; fields: ReadonlyMap<string, string> }
  | { kind: 'refused'; errors: GmoError[] }
  | GatewayFailure;

/**
 * `POST <base>/payment/<Api>.idPass`, classified: a 200 with fields or a refusal; a 200 that is not a
 * GMO-PG answer (wrong type, charset, bytes, shape) is unknown (it may have been carried out); a 5xx,
 * a timeout or a reset unknown; a refused connection or a 429 unavailable; another status rejected.
 * Messages never carry the request (it holds ShopPass/SitePass) nor the answer's values.
 */
export class GmoHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async post(api: GmoApi, fields: readonly GmoField[]): Promise<GmoExchange> {
    let status: number;
    let contentType: string | null;
    let body: Uint8Array;
    try {
      const answer = await sendHttp(new URL(`/payment/${api}.idPass`, this.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodeGmoForm(fields),
        timeoutMs: this.timeoutMs,
      });
      status = answer.status;
      contentType = answer.contentType ?? null;
      body = answer.body;
    } catch (error) {
      return networkFailure(error, this.timeoutMs);
    }
    if (status >= 500) return { kind: 'unknown', cause: 'server_error', message: `GMO-PG ${api} answered ${status}` };
    if (status === 429) return { kind: 'unavailable', cause: 'rate_limited', message: `GMO-PG ${api} answered 429` };
    if (status !== 200)
      return { kind: 'rejected', code: `http_${status}`, message: `GMO-PG ${api} answered ${status}` };
    const answer = parseGmoAnswer(body, contentType);
    switch (answer.kind) {
      case 'ok':
        return { kind: 'answered', fields: answer.fields };
      case 'error':
        return { kind: 'refused', errors: answer.errors };
      case 'malformed':
        return { kind: 'unknown', cause: 'malformed_response', message: `GMO-PG ${api}: ${answer.reason}` };
    }
  }
}
