import { oneOf } from './one-of';

/**
 * The languages the IVR speaks to callers: a payment's language (REST, events), the dialogue's, the
 * vault's prompt catalog's. On gRPC: `ivr.common.v1.Language`. A new language is a value here and in that
 * enum; the compiler then asks for its texts in the vault's catalog.
 */
export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const isLanguage = oneOf(LANGUAGES);
