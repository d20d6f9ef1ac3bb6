// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j is AES(k, IV + j), where the
// 128-bit IV ends in 16 zero bits, so IV + j only sets the last two bytes (j < 2^16). One ECB cipher per
// key is kept for the whole call and fed the counter blocks, which costs a fraction of a new CTR cipher
// per packet. The same keystream is the key derivation's PRF (§4.3.3).
import { type Cipheriv, createCipheriv } from 'node:crypto';

const BLOCK = 16;
const MAX_BLOCKS = 1 << 16;

export class AesCounterMode {
  private cipher: Cipheriv | undefined;
  /** Counter blocks: bytes 14-15 of block j hold j (written once), bytes 0-13 the packet's IV. */
  private counters = new Uint8Array(0);

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32)
      throw new RangeError('AES keys are 16, 24 or 32 bytes');
    this.cipher = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.cipher.setAutoPadding(false);
  }

  /** XORs the keystream that starts at `iv` (16 bytes, the last two zero) into `data`, in place. */
  xor(iv: Uint8Array, data: Uint8Array): void {
    const cipher = this.cipher;
    if (!cipher) throw new Error('the session key was wiped');
    const blocks = Math.ceil(data.length / BLOCK);
    if (blocks > MAX_BLOCKS) throw new RangeError('an SRTP payload is at most 2^16 blocks');
    if (blocks === 0) return;
    this.reserve(blocks);
    const counters = this.counters;
    for (let o = 0; o < blocks * BLOCK; o += BLOCK) {
      for (let i = 0; i < 14; i++) counters[o + i] = iv[i] as number;
    }
    const keystream = cipher.update(counters.subarray(0, blocks * BLOCK));
    for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) ^ (keystream[i] as number);
    // keystream XOR ciphertext is the plaintext: nothing of it stays behind. The counters lose their IV
    // (derived from the session salt) and keep their block numbers.
    keystream.fill(0);
    for (let o = 0; o < blocks * BLOCK; o += BLOCK) counters.fill(0, o, o + 14);
  }

  /**
   * Frees the cipher: Node resets (and OpenSSL cleanses) its context, key schedule included, when it
   * is finalised. Any later use throws.
   */
  wipe(): void {
    const cipher = this.cipher;
    this.cipher = undefined;
    cipher?.final();
    this.counters.fill(0);
  }

  private reserve(blocks: number): void {
    if (this.counters.length >= blocks * BLOCK) return;
    const size = Math.min(MAX_BLOCKS, Math.max(blocks, 2 * (this.counters.length / BLOCK), 16));
    this.counters = new Uint8Array(size * BLOCK);
    for (let j = 0; j < size; j++) {
      this.counters[j * BLOCK + 14] = j >>> 8;
      this.counters[j * BLOCK + 15] = j & 0xff;
    }
  }
}
