/**
 * GMO-PG's protocol-type wire format (docs/psp/gmo-pg.md §1): requests are form-encoded, answers are
 * `Name=value&...` with the values not percent-encoded, in the charset the Content-Type names
 * (Windows-31J, GMO-PG's default, or UTF-8), and a refusal is `ErrCode=a|b&ErrInfo=x|y`.
 * Anything else is malformed: the caller treats the outcome as unknown and reconciles, never guesses.
 */

/** A field of a request: every value the product sends is ASCII (ids, passwords, digits). */
export type GmoField = readonly [name: string, value: string | number];

const UNRESERVED = /^[A-Za-z0-9*\-._]$/;

/**
 * `Name=value&...`, values percent-encoded. Only ASCII values: the product never sends Japanese text,
 * so the request is the same bytes in Shift_JIS and UTF-8. A non-ASCII value is a programming error.
 */
export function encodeGmoForm(fields: readonly GmoField[]): string {
  return fields
    .map(([name, raw]) => {
      const value = String(raw);
      let encoded = '';
      for (const ch of value) {
        const code = ch.charCodeAt(0);
        if (code > 0x7e || code < 0x20) throw new RangeError(`GMO-PG parameter ${name} is not printable ASCII`);
        encoded += UNRESERVED.test(ch) ? ch : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      return `${name}=${encoded}`;
    })
    .join('&');
}

export type GmoCharset = 'shift_jis' | 'utf-8';

/** One problem of a refusal: `ErrCode` (e.g. `E01`, `G02`) and the detail `ErrInfo` (e.g. `E01040010`, `42G020000`). */
export interface GmoError {
  errCode: string;
  errInfo: string;
}

export type GmoAnswer =
  | { kind: 'ok'; fields: ReadonlyMap<string, string>; charset: GmoCharset }
  | { kind: 'error'; errors: GmoError[]; charset: GmoCharset }
  | { kind: 'malformed'; reason: string };

// Windows-31J is Microsoft's Shift_JIS; the WHATWG decoder behind TextDecoder('shift_jis') is that table.
const CHARSETS: Record<string, GmoCharset> = {
  'windows-31j': 'shift_jis',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  ms932: 'shift_jis',
  cp932: 'shift_jis',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
};

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The charset of a `text/plain; charset=...` Content-Type, or the reason it is not one GMO-PG answers in. */
export function gmoCharsetOf(contentType: string | null | undefined): GmoCharset | { reason: string } {
  if (!contentType) return { reason: 'the answer has no Content-Type' };
  const [mediaType, ...params] = contentType.split(';').map((part) => part.trim());
  if (mediaType?.toLowerCase() !== 'text/plain')
    return { reason: `the answer is ${mediaType || 'untyped'}, not text/plain` };
  const charsetParam = params.find((p) => p.toLowerCase().startsWith('charset='));
  if (!charsetParam) return { reason: 'the answer names no charset' };
  const name = charsetParam.slice('charset='.length).replace(/^"|"$/g, '').toLowerCase();
  return CHARSETS[name] ?? { reason: `the answer is in ${name}, neither Windows-31J nor UTF-8` };
}

/**
 * Reads an answer body: decodes it strictly in the Content-Type's charset (an invalid byte sequence is
 * malformed, not replaced), then splits `Name=value` pairs on `&` and the first `=`.
 */
export function parseGmoAnswer(body: Uint8Array, contentType: string | null | undefined): GmoAnswer {
  const charset = gmoCharsetOf(contentType);
  if (typeof charset !== 'string') return { kind: 'malformed', reason: charset.reason };
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(body);
  } catch {
    return { kind: 'malformed', reason: `the answer is not valid ${charset === 'utf-8' ? 'UTF-8' : 'Windows-31J'}` };
  }
  if (text.trim() === '') return { kind: 'malformed', reason: 'the answer is empty' };
  const fields = new Map<string, string>();
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !NAME.test(name)) return { kind: 'malformed', reason: 'the answer is not Name=value pairs' };
    if (fields.has(name)) return { kind: 'malformed', reason: `the answer names ${name} twice` };
    fields.set(name, pair.slice(eq + 1));
  }
  const errCode = fields.get('ErrCode');
  const errInfo = fields.get('ErrInfo');
  if (errCode === undefined && errInfo === undefined) return { kind: 'ok', fields, charset };
  const codes = (errCode ?? '').split('|');
  const infos = (errInfo ?? '').split('|');
  if (
    codes.length !== infos.length ||
    infos.some((i) => !/^[A-Z0-9]{9}$/.test(i)) ||
    codes.some((c) => !/^[A-Z0-9]{3}$/.test(c))
  ) {
    return { kind: 'malformed', reason: 'the answer has ErrCode and ErrInfo lists that do not match' };
  }
  return { kind: 'error', errors: infos.map((info, i) => ({ errCode: codes[i] as string, errInfo: info })), charset };
}

/** The fields an API always answers, or the name of the first one missing (a malformed answer). */
export function requireFields<const N extends string>(
  fields: ReadonlyMap<string, string>,
  names: readonly N[],
): Record<N, string> | { missing: N } {
  const out = {} as Record<N, string>;
  for (const name of names) {
    const value = fields.get(name);
    if (value === undefined || value === '') return { missing: name };
    out[name] = value;
  }
  return out;
}
