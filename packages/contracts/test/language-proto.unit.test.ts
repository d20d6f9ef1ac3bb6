import { LANGUAGES, languageFromProto, languageToProto } from '../src';
import { Language as LanguageMsg } from '../src/gen/ivr/common/v1/language';

test('every language of LANGUAGES is a value of ivr.common.v1.Language and back', () => {
  for (const language of LANGUAGES) {
    expect(Object.values(LanguageMsg)).toContain(languageToProto(language));
    expect(languageFromProto(languageToProto(language))).toBe(language);
  }
});

test('every value of ivr.common.v1.Language but UNSPECIFIED is a language of LANGUAGES', () => {
  const named = Object.values(LanguageMsg).filter((m) => m !== LanguageMsg.LANGUAGE_UNSPECIFIED);
  expect(named.map(languageFromProto).sort()).toEqual([...LANGUAGES].sort());
  expect(languageFromProto(LanguageMsg.LANGUAGE_UNSPECIFIED)).toBeUndefined();
});
