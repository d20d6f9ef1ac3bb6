// Options of a payment request that were removed for the card's sake: a request that still sends one is
// refused (never silently ignored, which would change what the caller's call does) with a message that
// says why and what to use instead. REST, gRPC and the console refuse them with these words.
import type { FieldProblem } from './errors';

export interface RemovedOption {
  /** The field's name in REST and console bodies. */
  rest: string;
  /** Its name in `ivr.orderlink.v1.CreatePaymentRequest` (its number stays reserved there). */
  grpc: string;
  /** Why it is gone: said as is after "<name> was removed: ". */
  why: string;
  /** What to send instead, in each API's words. */
  instead: { rest: string; grpc: string };
  /** What the replacement does, said after it. */
  which: string;
}

export const REMOVED_PAYMENT_OPTIONS: readonly RemovedOption[] = [
  {
    rest: 'threeWay',
    grpc: 'three_way',
    why:
      'on a three-way call the operator, the headset and every call recorder hear the keypad tones of the ' +
      'card number and security code, and tones decode straight back into digits',
    instead: { rest: 'callMode: "AGENT_ASSISTED"', grpc: 'call_mode = CALL_MODE_AGENT_ASSISTED' },
    which: 'the operator stays on the line through the card vault, which masks the tones',
  },
];

/** The refusal of a removed option as a field problem, in the words of the API that received it. */
export function removedOptionProblem(name: string, api: 'rest' | 'grpc'): FieldProblem | undefined {
  const o = REMOVED_PAYMENT_OPTIONS.find((x) => x[api] === name);
  if (!o) return undefined;
  return { in: 'body', field: name, message: `${name} was removed: ${o.why}. Use ${o.instead[api]}: ${o.which}.` };
}
