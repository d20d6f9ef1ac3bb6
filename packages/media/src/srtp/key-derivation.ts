// SRTP key derivation (RFC 3711 §4.3): each session key is PRF(master key, (label || r) XOR master salt),
// the PRF being the AES-CM keystream at IV = x · 2^16. The key derivation rate is 0 (SDES default; an
// a=crypto line with KDR= is refused), so r = 0 and the keys are derived once per call.
import { Redacted } from '@ivr/logging';
import { AesCounterMode } from './aes-cm';
import type { SrtpMasterKey } from './master-key';
import { SUITES } from './suites';

export const LABELS = {
  rtpEncryption: 0,
  rtpAuthentication: 1,
  rtpSalt: 2,
  rtcpEncryption: 3,
  rtcpAuthentication: 4,
  rtcpSalt: 5,
} as const;

/** PRF_n(k_master, x) for `label` with r = 0: `length` bytes of keystream. */
export function deriveKey(prf: AesCounterMode, masterSalt: Uint8Array, label: number, length: number): Buffer {
  const iv = new Uint8Array(16);
  iv.set(masterSalt.subarray(0, 14));
  iv[7] = (iv[7] as number) ^ label; // key_id = label || r (7 bytes), right-aligned under the 14-byte salt
  const out = Buffer.alloc(length);
  prf.xor(iv, out);
  return out;
}

/** The session keys of one direction of one kind of traffic (SRTP or SRTCP). */
export class SessionKeys extends Redacted {
  private constructor(
    readonly cipher: AesCounterMode,
    /** Session salt (14 bytes). */
    readonly salt: Buffer,
    /** HMAC-SHA1 key (20 bytes). */
    readonly authKey: Buffer,
  ) {
    super();
  }

  static derive(master: SrtpMasterKey, kind: 'rtp' | 'rtcp'): SessionKeys {
    const { keyLength, saltLength, authKeyLength } = SUITES[master.suite];
    const prf = new AesCounterMode(master.key);
    const [enc, auth, salt] =
      kind === 'rtp'
        ? [LABELS.rtpEncryption, LABELS.rtpAuthentication, LABELS.rtpSalt]
        : [LABELS.rtcpEncryption, LABELS.rtcpAuthentication, LABELS.rtcpSalt];
    try {
      const encryptionKey = deriveKey(prf, master.salt, enc, keyLength);
      const keys = new SessionKeys(
        new AesCounterMode(encryptionKey),
        deriveKey(prf, master.salt, salt, saltLength),
        deriveKey(prf, master.salt, auth, authKeyLength),
      );
      encryptionKey.fill(0); // the cipher has its own copy
      return keys;
    } finally {
      prf.wipe();
    }
  }

  wipe(): void {
    this.cipher.wipe();
    this.salt.fill(0);
    this.authKey.fill(0);
  }
}
