import { Language } from '@ivr/contracts/common/v1';
import { Language as LegacyLanguage } from '@ivr/contracts/vault/v1';
import { languageFromMsg } from '../src/adapters/grpc/mappers';
import { BadRequestError } from '../src/app/vault';

describe('the language of a vault request', () => {
  it('is prompt_language (ivr.common.v1.Language)', () => {
    const legacy = LegacyLanguage.LANGUAGE_UNSPECIFIED;
    expect(languageFromMsg({ promptLanguage: Language.LANGUAGE_JA, language: legacy })).toBe('ja');
    expect(languageFromMsg({ promptLanguage: Language.LANGUAGE_EN, language: legacy })).toBe('en');
  });

  it('is prompt_language even when the deprecated language says otherwise', () => {
    expect(languageFromMsg({ promptLanguage: Language.LANGUAGE_JA, language: LegacyLanguage.LANGUAGE_EN })).toBe('ja');
  });

  it("falls back to vault.v1's own language, numbered differently, from a call-control of the previous release", () => {
    const unspecified = Language.LANGUAGE_UNSPECIFIED;
    expect(languageFromMsg({ promptLanguage: unspecified, language: LegacyLanguage.LANGUAGE_JA })).toBe('ja');
    expect(languageFromMsg({ promptLanguage: unspecified, language: LegacyLanguage.LANGUAGE_EN })).toBe('en');
  });

  it('is required', () => {
    expect(() =>
      languageFromMsg({ promptLanguage: Language.LANGUAGE_UNSPECIFIED, language: LegacyLanguage.LANGUAGE_UNSPECIFIED }),
    ).toThrow(BadRequestError);
  });
});
