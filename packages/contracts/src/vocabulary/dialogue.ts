import { oneOf } from './one-of';

/**
 * The steps of the IVR dialogue that call-control records (CallStepEntered) and the operator's live view
 * follows, in the order a call goes through them. (Asking for a transfer code comes before there is a
 * payment to show and is not one of them.)
 */
export const DIALOGUE_STEPS = [
  'GREETING',
  'AMOUNT_CONFIRMATION',
  'CARD_NUMBER',
  'EXPIRY',
  'SECURITY_CODE',
  'REGISTERING',
  'AUTHORIZING',
  'RESULT',
  'RETURNING_TO_OPERATOR',
] as const;
export type DialogueStep = (typeof DIALOGUE_STEPS)[number];
export const isDialogueStep = oneOf(DIALOGUE_STEPS);
