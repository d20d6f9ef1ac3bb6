// Last line of defence against SRTP master keys in logs: an SDES key travels in SDP as
// `inline:<base64 of key and salt>` (RFC 4568), so an SDP body or an a=crypto line quoted in a message
// would carry one. Keys must never reach a logger; this catches the mistake when it happens anyway.

export const KEY_MASK = '[KEY REDACTED]';

const INLINE_KEY = /inline:[A-Za-z0-9+/]{16,}={0,2}/g;

/** Replaces the key of every `inline:<base64>` (16 characters or more) by `inline:[KEY REDACTED]`. */
export function maskSdesKeys(text: string): string {
  if (!text.includes('inline:')) return text;
  return text.replace(INLINE_KEY, `inline:${KEY_MASK}`);
}
