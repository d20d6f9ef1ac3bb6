import iconv from 'iconv-lite';
import { type Charset, decodeAnswer, encodeForm } from '../src/index';

/** A bare GMO-PG protocol client for the simulator's tests: form bodies in a charset, raw answers out. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  fields: Record<string, string>;
}

export async function post(
  base: string,
  api: string,
  form: Record<string, string | number>,
  charset: Charset = 'Shift_JIS',
  signal?: AbortSignal,
): Promise<RawAnswer> {
  const res = await fetch(`${base}/payment/${api}.idPass`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(form, charset),
    ...(signal && { signal }),
  });
  const body = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  const answerCharset: Charset = /UTF-8/i.test(contentType) ? 'UTF-8' : 'Shift_JIS';
  return { status: res.status, contentType, body, fields: Object.fromEntries(decodeAnswer(body, answerCharset)) };
}

export async function admin(base: string, method: string, path: string, json?: unknown) {
  const res = await fetch(`${base}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

export const sjis = (text: string) => iconv.encode(text, 'cp932');
export const SHOP = { ShopID: 'tshop00000001', ShopPass: 'shoppass01' };
export const SITE = { SiteID: 'tsite00000001', SitePass: 'sitepass01' };
