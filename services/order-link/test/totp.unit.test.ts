import {
  base32Decode,
  base32Encode,
  hashRecoveryCode,
  hotp,
  otpauthUri,
  type TotpAlgorithm,
  totp,
  totpStep,
  verifyTotp,
} from '../src/operators/totp';

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's block length.
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const VECTORS: [number, string, TotpAlgorithm][] = [
  [59, '94287082', 'sha1'],
  [59, '46119246', 'sha256'],
  [59, '90693936', 'sha512'],
  [1111111109, '07081804', 'sha1'],
  [1111111109, '68084774', 'sha256'],
  [1111111109, '25091201', 'sha512'],
  [1111111111, '14050471', 'sha1'],
  [1111111111, '67062674', 'sha256'],
  [1111111111, '99943326', 'sha512'],
  [1234567890, '89005924', 'sha1'],
  [1234567890, '91819424', 'sha256'],
  [1234567890, '93441116', 'sha512'],
  [2000000000, '69279037', 'sha1'],
  [2000000000, '90698825', 'sha256'],
  [2000000000, '38618901', 'sha512'],
  [20000000000, '65353130', 'sha1'],
  [20000000000, '77737706', 'sha256'],
  [20000000000, '47863826', 'sha512'],
];

describe('TOTP (RFC 6238) and HOTP (RFC 4226)', () => {
  it.each(VECTORS)('at %i s gives %s with %s (RFC 6238 Appendix B)', (seconds, code, algorithm) => {
    expect(totp(SEEDS[algorithm], new Date(seconds * 1000), { digits: 8, algorithm })).toBe(code);
  });

  it('gives the RFC 4226 Appendix D codes', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(SEEDS.sha1, counter))).toEqual(expected);
  });

  it('accepts a code of the current step or one next to it, once, and nothing older', () => {
    const now = new Date(1_700_000_000_000);
    const step = totpStep(now);
    const at = (s: number) => new Date(s * 30_000);
    expect(verifyTotp(SEEDS.sha1, totp(SEEDS.sha1, now), now, 0)).toBe(step);
    expect(verifyTotp(SEEDS.sha1, totp(SEEDS.sha1, at(step + 1)), now, 0)).toBe(step + 1);
    expect(verifyTotp(SEEDS.sha1, totp(SEEDS.sha1, at(step - 1)), now, 0)).toBe(step - 1);
    expect(verifyTotp(SEEDS.sha1, totp(SEEDS.sha1, at(step - 2)), now, 0)).toBeNull();
    expect(verifyTotp(SEEDS.sha1, totp(SEEDS.sha1, now), now, step)).toBeNull();
    expect(verifyTotp(SEEDS.sha1, '12345', now, 0)).toBeNull();
    expect(verifyTotp(SEEDS.sha1, 'abcdef', now, 0)).toBeNull();
  });

  it('encodes base32 as RFC 4648 section 10 does, and reads it back', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of cases) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded)?.toString()).toBe(plain);
    }
    expect(base32Decode('mzxw 6ytb-oi======')?.toString()).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeNull();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('IVR payments', 'alice', 'JBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/IVR%20payments:alice?secret=JBSWY3DPEHPK3PXP&issuer=IVR%20payments&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('hashes recovery codes however they are typed', () => {
    expect(hashRecoveryCode('abcde-fghij')).toBe(hashRecoveryCode(' ABCDE FGHIJ '));
    expect(hashRecoveryCode('abcde-fghij')).toMatch(/^[0-9a-f]{64}$/);
  });
});
