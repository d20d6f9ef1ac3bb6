import { Language as LanguageMsg } from './gen/ivr/common/v1/language';
import { isLanguage, type Language } from './vocabulary/language';

/**
 * A language of LANGUAGES on gRPC (`ivr.common.v1.Language`), by name: `ja` is `LANGUAGE_JA`. One mapping
 * for every service, so a new language is a value in LANGUAGES and in the proto enum, no mapping code
 * (test/language-proto.unit.test.ts fails while the two lists differ).
 */
export function languageToProto(language: Language): LanguageMsg {
  return LanguageMsg[`LANGUAGE_${language.toUpperCase()}` as keyof typeof LanguageMsg];
}

/** The language a gRPC message names; undefined for LANGUAGE_UNSPECIFIED or a value this release does not know. */
export function languageFromProto(msg: LanguageMsg): Language | undefined {
  const code = String(msg)
    .replace(/^LANGUAGE_/, '')
    .toLowerCase();
  return isLanguage(code) ? code : undefined;
}
