import type { Decider } from '@ivr/eventstore';
import type { AuthorizationCommand } from './commands';
import { decide } from './decide';
import type { AuthorizationEvent } from './events';
import { type AuthorizationState, evolve, initialState } from './state';

export type { AuthorizationCommand, GatewayOutcome, OperationOutcome } from './commands';
export { ABANDONED_CODE, decide, pspKey } from './decide';
export { operationKey, REFUSED_CODE } from './decide-operation';
export * from './errors';
export type * from './events';
export { CURRENCY_DECIMALS, decimalToMinorUnits, MAX_MINOR_UNITS, type Money, validateMoney } from './money';
export { checkPaymentId } from './payment-id';
export {
  type AuthorizationState,
  type AuthorizationStatus,
  balanceOf,
  evolve,
  initialState,
  type OperationRecord,
} from './state';

export const authorizationDecider: Decider<AuthorizationCommand, AuthorizationEvent, AuthorizationState> = {
  initialState,
  decide,
  evolve,
};

/** Aggregate type in the event store and the envelope. */
export const STREAM_TYPE = 'Authorization';
