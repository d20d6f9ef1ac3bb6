import { randomBytes } from 'node:crypto';
import { parseKeyring } from '../src';

const key = () => randomBytes(32).toString('base64');

describe('@ivr/secret-box', () => {
  it('seals with the first key, opens with any key of the ring, and only for the same owner', () => {
    const k1 = `k1:${key()}`;
    const k2 = `k2:${key()}`;
    const old = parseKeyring(k1, 'TEST_KEYS');
    const sealed = old.seal('JBSWY3DPEHPK3PXP', 'op_1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext.toString('latin1')).not.toContain('JBSWY3DPEHPK3PXP');
    const rotated = parseKeyring(`${k2},${k1}`, 'TEST_KEYS');
    expect(rotated.currentId).toBe('k2');
    expect(rotated.open(sealed, 'op_1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => rotated.open(sealed, 'op_2')).toThrow();
    expect(() => parseKeyring(k2, 'TEST_KEYS').open(sealed, 'op_1')).toThrow('key k1 is not in TEST_KEYS');
  });

  it('refuses malformed keyrings, naming the variable and never the key', () => {
    const k = key();
    for (const text of ['', 'k1', 'k1:c2hvcnQ=', `k1:${k},k1:${k}`, `bad id!:${k}`]) {
      let error = '';
      try {
        parseKeyring(text, 'TEST_KEYS');
      } catch (err) {
        error = (err as Error).message;
      }
      expect(error).toContain('TEST_KEYS');
      expect(error).not.toContain(k.slice(0, 16));
    }
  });
});
