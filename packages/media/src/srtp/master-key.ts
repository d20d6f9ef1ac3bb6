// An SRTP master key and salt (RFC 3711 §8.1), the secret an SDES a=crypto line carries: bytes that
// wipe() overwrites, never a string. Printing, logging or serialising it yields "[REDACTED]" (@ivr/logging's
// Redacted, as the vault's SecretDigits), so a key cannot reach a log line by accident.
import { randomBytes } from 'node:crypto';
import { Redacted } from '@ivr/logging';
import { type SrtpSuite, SUITES } from './suites';

export class SrtpMasterKey extends Redacted {
  private readonly bytes: Buffer;
  private wiped = false;

  /** Copies `keyAndSalt` (master key followed by master salt); the caller wipes its own copy. */
  constructor(
    readonly suite: SrtpSuite,
    keyAndSalt: Uint8Array,
  ) {
    super();
    const { keyLength, saltLength } = SUITES[suite];
    if (keyAndSalt.length !== keyLength + saltLength)
      throw new RangeError(`an ${suite} master key and salt are ${keyLength + saltLength} bytes`);
    this.bytes = Buffer.alloc(keyAndSalt.length);
    this.bytes.set(keyAndSalt);
  }

  /** A fresh random master key and salt for what this side sends. */
  static generate(suite: SrtpSuite): SrtpMasterKey {
    const { keyLength, saltLength } = SUITES[suite];
    const random = randomBytes(keyLength + saltLength);
    try {
      return new SrtpMasterKey(suite, random);
    } finally {
      random.fill(0);
    }
  }

  get isWiped(): boolean {
    return this.wiped;
  }

  /** The master key (a view: valid until wipe()). */
  get key(): Buffer {
    return this.bytes.subarray(0, SUITES[this.suite].keyLength);
  }

  /** The master salt (a view: valid until wipe()). */
  get salt(): Buffer {
    return this.bytes.subarray(SUITES[this.suite].keyLength);
  }

  /** Key and salt as the base64 of an `inline:` key parameter; for the SDP this side sends only. */
  toInlineBase64(): string {
    if (this.wiped) throw new Error('the master key was wiped');
    return this.bytes.toString('base64');
  }

  /** Overwrites key and salt. */
  wipe(): void {
    this.bytes.fill(0);
    this.wiped = true;
  }
}
