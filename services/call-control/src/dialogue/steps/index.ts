// The dialogue's steps by name: the state machine's table.
import type { Step, StepName } from '../context';
import { amountConfirmation } from './amount-confirmation';
import { authorization } from './authorization';
import { cardNumber } from './card-number';
import { expiry } from './expiry';
import { greeting } from './greeting';
import { registration } from './registration';
import { result } from './result';
import { returnToOperator } from './return-to-operator';
import { securityCode } from './security-code';
import { transferCode } from './transfer-code';

export const STEPS: Record<Exclude<StepName, 'DONE'>, Step> = {
  GREETING: greeting,
  TRANSFER_CODE: transferCode,
  AMOUNT_CONFIRMATION: amountConfirmation,
  CARD_NUMBER: cardNumber,
  EXPIRY: expiry,
  SECURITY_CODE: securityCode,
  REGISTERING: registration,
  AUTHORIZING: authorization,
  RESULT: result,
  RETURNING_TO_OPERATOR: returnToOperator,
};
