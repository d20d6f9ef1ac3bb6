// Webhook signing secrets at rest (docs/security-audit.md, item 7): AES-256-GCM with keys from the
// environment (WEBHOOK_SECRET_KEYS, a Secret in the chart). The id of the key is stored beside each
// ciphertext, so a new key can be put first while the old ones still decrypt (docs/runbook.md,
// "Rotating the webhook secret key"). The endpoint id is bound in as associated data: a ciphertext
// copied onto another endpoint's row does not decrypt.
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
  seal(plaintext: string, endpointId: string): Sealed;
  /** Throws when the key is not in the ring or the ciphertext or binding is wrong. */
  open(sealed: Sealed, endpointId: string): string;
}

/**
 * Parses `id:base64key[,id:base64key...]` (each key 32 random bytes, e.g. `openssl rand -base64 32`);
 * the first seals, all open. Errors name the entry by position and id, never a key.
 */
export function parseKeyring(text: string): Keyring {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('WEBHOOK_SECRET_KEYS is empty: give at least one id:base64key');
  entries.forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!KEY_ID.test(id))
      throw new Error(`WEBHOOK_SECRET_KEYS entry ${i + 1}: expected <id>:<base64 key>, id of letters, digits, . _ -`);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32) throw new Error(`WEBHOOK_SECRET_KEYS entry ${i + 1} (${id}): the key must be 32 bytes`);
    if (keys.has(id)) throw new Error(`WEBHOOK_SECRET_KEYS: key id ${id} is given twice`);
    keys.set(id, key);
  });
  const currentId = [...keys.keys()][0]!;
  const keyOf = (id: string): Buffer => {
    const key = keys.get(id);
    if (!key) throw new Error(`webhook secret key ${id} is not in WEBHOOK_SECRET_KEYS`);
    return key;
  };
  return {
    currentId,
    has: (id) => keys.has(id),
    seal(plaintext, endpointId) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyOf(currentId), nonce);
      cipher.setAAD(Buffer.from(endpointId));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: currentId, ciphertext: Buffer.concat([nonce, body, cipher.getAuthTag()]) };
    },
    open({ keyId, ciphertext }, endpointId) {
      const decipher = createDecipheriv('aes-256-gcm', keyOf(keyId), ciphertext.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      const body = ciphertext.subarray(NONCE_BYTES, ciphertext.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}
