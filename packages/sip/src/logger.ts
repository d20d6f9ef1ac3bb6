// The little the SIP stack needs from a logger; a pino logger from @ivr/logging satisfies it.
export interface SipLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: SipLogger = { debug() {}, info() {}, warn() {}, error() {} };
