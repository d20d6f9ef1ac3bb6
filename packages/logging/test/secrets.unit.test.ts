import { inspect } from 'node:util';
import { createLogger, KEY_MASK, maskSdesKeys, REDACTED, Redacted } from '../src';

class Pin extends Redacted {
  readonly bytes = Uint8Array.of(4, 2, 4, 2);
}

describe('Redacted', () => {
  it('prints as [REDACTED] however it is turned into text, alone or nested', () => {
    const pin = new Pin();
    for (const text of [String(pin), `${pin}`, JSON.stringify({ pin }), inspect({ deep: { pin } }), pin + ''])
      expect(text).not.toMatch(/4,\s*2|04 02/);
    expect(`${pin}`).toBe(REDACTED);
  });

  it('reaches a log line as [REDACTED]', () => {
    const lines: string[] = [];
    const log = createLogger({
      service: 'test',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    log.info({ value: new Pin() }, 'a secret');
    expect(lines.join('')).toContain(`"value":"${REDACTED}"`);
  });
});

describe('SRTP keys in logs', () => {
  const line = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20';

  it('masks the key of an inline: parameter wherever it appears, and keeps the rest', () => {
    expect(maskSdesKeys(line)).toBe(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_MASK}|2^20`);
    expect(maskSdesKeys('no keys here')).toBe('no keys here');
  });

  it('censors the fields that carry them, and masks a key quoted in a message', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'test', level: 'info', destination: { write: (l: string) => lines.push(l) } });
    log.info({ offeredCrypto: ['x'], answer_crypto: 'y', sdp: 'v=0', media: { crypto: 'z' } }, `quoted ${line}`);
    const out = lines.join('');
    expect(out).not.toContain('WVNfX19z');
    for (const key of ['offeredCrypto', 'answer_crypto', 'sdp', 'crypto'])
      expect(out).toContain(`"${key}":"[REDACTED]"`);
  });
});
