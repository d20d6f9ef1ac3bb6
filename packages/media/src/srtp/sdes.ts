// SDES offer/answer for one leg (RFC 4568 §5-7). As answerer (the caller's leg: call-control passes the
// offer's a=crypto attributes), the first offered line the vault can honour wins, in the offerer's
// order, and the answer carries that line's tag and suite with a key the vault generates for what it
// sends. As offerer (a leg the vault's side places, e.g. the agent-assisted bridge's operator leg), one
// line per suite, each with its own key, and the answer picks one of them.
import { type CryptoAttributeError, formatCryptoAttribute, parseCryptoAttribute } from './crypto-attribute';
import { SrtpLeg } from './leg';
import { SrtpMasterKey } from './master-key';
import { SRTP_SUITES, type SrtpSuite } from './suites';

/** Why an offered line was not taken; names no key material. */
export interface SdesRefusal {
  tag?: number;
  suite?: string;
  error: CryptoAttributeError | 'suite_not_accepted';
}

export type SdesAnswer =
  | { ok: true; leg: SrtpLeg; tag: number; suite: SrtpSuite /** The answer's a=crypto value. */; attribute: string }
  | { ok: false; refused: SdesRefusal[] };

/**
 * Answers an offer's a=crypto attribute values (the bytes after `a=crypto:`). The caller wipes its
 * copies of `offered` afterwards; every key parsed here but not used is wiped before this returns.
 */
export function answerSdes(
  offered: readonly (Uint8Array | string)[],
  accepted: readonly SrtpSuite[] = SRTP_SUITES,
): SdesAnswer {
  const refused: SdesRefusal[] = [];
  for (const value of offered) {
    const parsed = parseCryptoAttribute(value);
    if (!parsed.ok) {
      const { error, tag, suite } = parsed;
      refused.push({ error, ...(tag !== undefined ? { tag } : {}), ...(suite !== undefined ? { suite } : {}) });
      continue;
    }
    const { tag, suite, key } = parsed.attribute;
    if (!accepted.includes(suite)) {
      key.wipe();
      refused.push({ tag, suite, error: 'suite_not_accepted' });
      continue;
    }
    const own = SrtpMasterKey.generate(suite);
    const attribute = formatCryptoAttribute(tag, own);
    return { ok: true, leg: new SrtpLeg(key, own), tag, suite, attribute };
  }
  return { ok: false, refused };
}

/** The vault's side of an SDES exchange it starts: its lines now, the leg once the answer is in. */
export class SdesOffer {
  private readonly keys = new Map<number, SrtpMasterKey>();
  /** The offer's a=crypto values, in order of preference (tags 1, 2, ...). */
  readonly attributes: string[];

  constructor(suites: readonly SrtpSuite[] = SRTP_SUITES) {
    if (suites.length === 0) throw new RangeError('an SDES offer names at least one suite');
    this.attributes = suites.map((suite, i) => {
      const key = SrtpMasterKey.generate(suite);
      this.keys.set(i + 1, key);
      return formatCryptoAttribute(i + 1, key);
    });
  }

  /** The leg for the answer's a=crypto value (one of our tags and its suite, the answerer's key). */
  accept(answer: Uint8Array | string): { ok: true; leg: SrtpLeg } | { ok: false; refused: SdesRefusal } {
    const parsed = parseCryptoAttribute(answer);
    if (!parsed.ok) {
      const { error, tag, suite } = parsed;
      return {
        ok: false,
        refused: { error, ...(tag !== undefined ? { tag } : {}), ...(suite !== undefined ? { suite } : {}) },
      };
    }
    const { tag, suite, key } = parsed.attribute;
    const own = this.keys.get(tag);
    if (!own || own.suite !== suite) {
      key.wipe();
      return { ok: false, refused: { tag, suite, error: 'suite_not_accepted' } };
    }
    this.keys.delete(tag);
    this.wipe();
    return { ok: true, leg: new SrtpLeg(key, own) };
  }

  /** Wipes the keys of every line not (or not yet) taken. */
  wipe(): void {
    for (const key of this.keys.values()) key.wipe();
    this.keys.clear();
  }
}
