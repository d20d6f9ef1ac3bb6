// Secrets at rest (docs/security-audit.md, items 7 and 12): AES-256-GCM under keys from the
// environment (a Secret in the chart). The id of the key is stored beside each ciphertext, so a new
// key can be put first while the old ones still decrypt (docs/runbook.md, "Rotating the webhook secret
// key"). Each ciphertext is bound to its owner (a webhook endpoint id, an operator id) as associated
// data: a ciphertext copied onto another row does not decrypt.
//   const ring = parseKeyring(process.env.WEBHOOK_SECRET_KEYS ?? '', 'WEBHOOK_SECRET_KEYS');
//   const sealed = ring.seal('whsec_...', endpointId);   // { keyId, ciphertext }
//   ring.open(sealed, endpointId);                       // 'whsec_...'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

export interface Sealed {
  keyId: string;
  /** nonce (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes) */
  ciphertext: Buffer;
}

export interface Keyring {
  /** The key new secrets are sealed with (the first of the list). */
  readonly currentId: string;
  has(keyId: string): boolean;
  /** Seals `plaintext` bound to `owner` (associated data). */
  seal(plaintext: string, owner: string): Sealed;
  /** Throws when the key is not in the ring or the ciphertext or binding is wrong. */
  open(sealed: Sealed, owner: string): string;
}

/**
 * Parses `id:base64key[,id:base64key...]` (each key 32 random bytes, e.g. `openssl rand -base64 32`);
 * the first seals, all open. `variable` names the setting in errors; errors name the entry by
 * position and id, never a key.
 */
export function parseKeyring(text: string, variable: string): Keyring {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${variable} is empty: give at least one id:base64key`);
  entries.forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!KEY_ID.test(id))
      throw new Error(`${variable} entry ${i + 1}: expected <id>:<base64 key>, id of letters, digits, . _ -`);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32) throw new Error(`${variable} entry ${i + 1} (${id}): the key must be 32 bytes`);
    if (keys.has(id)) throw new Error(`${variable}: key id ${id} is given twice`);
    keys.set(id, key);
  });
  const currentId = [...keys.keys()][0]!;
  const keyOf = (id: string): Buffer => {
    const key = keys.get(id);
    if (!key) throw new Error(`key ${id} is not in ${variable}`);
    return key;
  };
  return {
    currentId,
    has: (id) => keys.has(id),
    seal(plaintext, owner) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyOf(currentId), nonce);
      cipher.setAAD(Buffer.from(owner));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: currentId, ciphertext: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
    },
    open({ keyId, ciphertext }, owner) {
      const decipher = createDecipheriv('aes-256-gcm', keyOf(keyId), ciphertext.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(owner));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      const body = ciphertext.subarray(NONCE_BYTES, ciphertext.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}
