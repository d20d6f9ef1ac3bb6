// A value that never prints: the base of the secrets the vault holds in memory (card digits, SRTP
// keys). However it is turned into text (String(), a template literal, JSON.stringify, util.inspect,
// and so a log line or an error message), it reads "[REDACTED]". Subclasses keep their bytes private
// and wipe them; this only makes sure that printing them by mistake shows nothing.
import { inspect } from 'node:util';
import { REDACTED } from './censor';

export abstract class Redacted {
  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
