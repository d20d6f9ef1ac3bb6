// What the leak scan looks for, and the matcher that finds it in text of any size: every card number
// in digits, with space/dash separators, hex- and base64-encoded; every security code next to a
// card-ish key. Hits say where and which card (masked), never the number itself.

export type SourceKind = 'kafka' | 'table' | 'log' | 'trace' | 'heap' | 'memory';

export interface Hit {
  source: SourceKind;
  /** topic/partition@offset, database.schema.table, or a file's path. */
  location: string;
  kind: 'pan' | 'security-code';
  /** The card number masked (first 6, last 4) and its encoding, or which security code (by position). */
  what: string;
}

interface Needle {
  kind: Hit['kind'];
  what: string;
  /** Tells which needle a match of the combined pattern belongs to. */
  pattern: RegExp;
}

/**
 * The card number as it appears inside any base64 text, whatever its byte offset there: for each of
 * the three alignments, every base64 character whose six bits all come from the number's bytes (the
 * characters at either end also encode a neighbour's bits, which can be anything).
 */
export function base64Forms(pan: string): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(pan, 'ascii')]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + pan.length)) / 6);
    return encoded.slice(first, end);
  });
}

export const maskPan = (pan: string): string => `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface NeedleOptions {
  pans: string[];
  securityCodes?: string[];
  /**
   * Also count a security code standing alone as a quoted value ("917"). Right for records, rows and
   * log lines; wrong for a heap, whose strings table quotes every short string the process holds.
   */
  quotedSecurityCodes?: boolean;
  /**
   * Require a card number not to be part of a longer digit run (default true). Raw memory has no
   * such boundaries: unrelated allocations sit next to each other.
   */
  digitBoundaries?: boolean;
}

/**
 * Finds every needle in a text with two passes of one combined pattern each (card numbers are
 * case-sensitive because of base64; the key names next to a security code are not), instead of one
 * pass per needle: a heap snapshot is hundreds of megabytes.
 */
export class Matcher {
  private readonly needles: Needle[] = [];
  private readonly combined: RegExp[] = [];
  /** The longest text one match can span: how much of a chunk must be read again with the next. */
  readonly maxMatchLength: number;

  constructor(opts: NeedleOptions) {
    const panSources: string[] = [];
    for (const pan of opts.pans) {
      const spaced = pan.split('').join('[ -]?');
      const digits = opts.digitBoundaries === false ? spaced : `(?<!\\d)(?:${spaced})(?!\\d)`;
      // The hex of ASCII digits is digits only (3x pairs), so one case-sensitive pattern does.
      const hex = Buffer.from(pan, 'ascii').toString('hex');
      const base64 = base64Forms(pan).map(escapeRegExp).join('|');
      this.needles.push({ kind: 'pan', what: maskPan(pan), pattern: new RegExp(`^(?:${digits})$`) });
      this.needles.push({ kind: 'pan', what: `${maskPan(pan)} (hex)`, pattern: new RegExp(`^${hex}$`) });
      this.needles.push({ kind: 'pan', what: `${maskPan(pan)} (base64)`, pattern: new RegExp(`^(?:${base64})$`) });
      panSources.push(digits, hex, base64);
    }
    const codeSources: string[] = [];
    (opts.securityCodes ?? []).forEach((code, i) => {
      const forms = [
        `(?:cvc|cvv|csc|security[_ ]?code|card_?code)[^0-9a-z]{0,8}${code}(?!\\d)`,
        `=${code}(?=&|\\s|$)`,
        ...(opts.quotedSecurityCodes === false ? [] : [`"${code}"`]),
      ].join('|');
      this.needles.push({ kind: 'security-code', what: `security code #${i + 1}`, pattern: new RegExp(forms, 'i') });
      codeSources.push(forms);
    });
    if (panSources.length > 0) this.combined.push(new RegExp(panSources.join('|'), 'g'));
    if (codeSources.length > 0) this.combined.push(new RegExp(codeSources.join('|'), 'gi'));
    this.maxMatchLength = 2 * Math.max(16, ...opts.pans.map((p) => p.length)) + 40;
  }

  /**
   * Which needles occur in `text`, starting from `from` and before `limit` (a chunk's end minus what
   * the next chunk reads again, so that no match is cut short by the end of a chunk).
   */
  find(text: string, from = 0, limit = text.length): Array<Pick<Hit, 'kind' | 'what'>> {
    const found = new Map<string, Pick<Hit, 'kind' | 'what'>>();
    for (const re of this.combined) {
      re.lastIndex = from;
      for (let m = re.exec(text); m !== null && m.index < limit; m = re.exec(text)) {
        for (const n of this.needles) if (n.pattern.test(m[0])) found.set(n.what, { kind: n.kind, what: n.what });
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return [...found.values()];
  }
}

/** One hit per (location, needle): a log file with a card in every line is one finding, not thousands. */
export class HitList {
  readonly hits: Hit[] = [];
  private readonly seen = new Set<string>();

  add(source: SourceKind, location: string, found: Array<Pick<Hit, 'kind' | 'what'>>): void {
    for (const f of found) {
      const key = `${source}\u0000${location}\u0000${f.what}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.hits.push({ source, location, ...f });
    }
  }
}
