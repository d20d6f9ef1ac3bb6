import iconv from 'iconv-lite';
import type { Answer } from '../../domain/answer';
import { errCodeOf } from '../../domain/codes';

/** The two charsets GMO-PG answers in: Shift_JIS (Microsoft's, "Windows-31J") by default, or UTF-8. */
export type Charset = 'Shift_JIS' | 'UTF-8';
export const CHARSETS: readonly Charset[] = ['Shift_JIS', 'UTF-8'];

const ICONV_NAME: Record<Charset, string> = { Shift_JIS: 'cp932', 'UTF-8': 'utf8' };

/** The Content-Type GMO-PG's test environment sends (recorded: `text/plain;charset=Windows-31J`). */
export const CONTENT_TYPE: Record<Charset, string> = {
  Shift_JIS: 'text/plain;charset=Windows-31J',
  'UTF-8': 'text/plain;charset=UTF-8',
};

export const otherCharset = (charset: Charset): Charset => (charset === 'UTF-8' ? 'Shift_JIS' : 'UTF-8');

/**
 * A form body (`Name=value&...`, values percent-encoded bytes of the charset) to names and values. The
 * first occurrence of a name wins; a `%` not followed by two hex digits is kept as it is.
 */
export function decodeForm(body: Buffer, charset: Charset): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of body.toString('latin1').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = iconv.decode(percentDecoded(eq < 0 ? pair : pair.slice(0, eq)), ICONV_NAME[charset]);
    const value = iconv.decode(percentDecoded(eq < 0 ? '' : pair.slice(eq + 1)), ICONV_NAME[charset]);
    if (!values.has(name)) values.set(name, value);
  }
  return values;
}

function percentDecoded(latin1: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < latin1.length; i++) {
    const c = latin1.charCodeAt(i);
    const hex = latin1.slice(i + 1, i + 3);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes);
}

/**
 * An answer as GMO-PG writes it: `Name=value&...` with the values **not** percent-encoded (a recorded
 * answer carries a Japanese ClientField1 as raw Shift_JIS bytes), or `ErrCode=a|b&ErrInfo=x|y`.
 */
export function encodeAnswer(answer: Answer, charset: Charset): Buffer {
  const text =
    answer.kind === 'ok'
      ? answer.fields.map(([name, value]) => `${name}=${value}`).join('&')
      : `ErrCode=${answer.errInfos.map(errCodeOf).join('|')}&ErrInfo=${answer.errInfos.join('|')}`;
  return iconv.encode(text, ICONV_NAME[charset]);
}

/** For tests and clients of the simulator: an answer body back to names and values. */
export function decodeAnswer(body: Buffer, charset: Charset): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of iconv.decode(body, ICONV_NAME[charset]).split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return values;
}

/** For tests and clients of the simulator: a request body in the charset, values percent-encoded. */
export function encodeForm(values: Record<string, string | number>, charset: Charset): Buffer {
  const pairs = Object.entries(values).map(([name, value]) => {
    const bytes = iconv.encode(String(value), ICONV_NAME[charset]);
    let encoded = '';
    for (const byte of bytes) {
      const ch = String.fromCharCode(byte);
      encoded += /[A-Za-z0-9*\-._]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return `${name}=${encoded}`;
  });
  return Buffer.from(pairs.join('&'), 'latin1');
}
