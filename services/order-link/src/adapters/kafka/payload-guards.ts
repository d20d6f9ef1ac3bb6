import { AuthorizationEventTypes as A, CallEventTypes as C } from '@ivr/contracts';

type Check = [field: string, kind: 'string' | 'boolean' | 'object' | 'number' | 'string?'];

/** The fields the process manager reads from each consumed type; anything else is ignored. */
const REQUIRED: Record<string, Check[]> = {
  [C.started]: [
    ['callId', 'string'],
    ['paymentId', 'string'],
    // Absent on calls of a call-control from before call modes (read with callModeOf).
    ['callMode', 'string?'],
  ],
  [C.cardCaptured]: [
    ['callId', 'string'],
    ['paymentId', 'string'],
    ['card', 'object'],
  ],
  [C.operatorRequestHandled]: [
    ['callId', 'string'],
    ['paymentId', 'string'],
    ['request', 'string'],
    ['outcome', 'string'],
  ],
  [C.ended]: [
    ['callId', 'string'],
    ['paymentId', 'string?'],
    ['reason', 'string'],
  ],
  [A.approved]: [
    ['paymentId', 'string'],
    ['authorizationCode', 'string'],
    ['pspReference', 'string'],
    ['captured', 'boolean'],
  ],
  [A.declined]: [
    ['paymentId', 'string'],
    ['reason', 'string'],
  ],
  [A.failed]: [
    ['paymentId', 'string'],
    ['reason', 'string'],
  ],
  [A.cardRegistered]: [
    ['paymentId', 'string'],
    ['storedCardReference', 'string'],
    ['customerReference', 'string?'],
  ],
  [A.captured]: [
    ['paymentId', 'string'],
    ['operationId', 'string?'],
    ['pspReference', 'string'],
  ],
  [A.voided]: [
    ['paymentId', 'string'],
    ['operationId', 'string?'],
    ['pspReference', 'string'],
  ],
  [A.refunded]: [
    ['paymentId', 'string'],
    ['operationId', 'string'],
    ['pspReference', 'string'],
    ['refundReference', 'string'],
  ],
  [A.operationFailed]: [
    ['paymentId', 'string'],
    ['operationId', 'string'],
    ['code', 'string'],
    ['message', 'string'],
  ],
};

const CARD: Check[] = [
  ['brand', 'string'],
  ['bin6', 'string'],
  ['last4', 'string'],
  ['expiryMonth', 'number'],
  ['expiryYear', 'number'],
];

function check(value: Record<string, unknown>, checks: Check[], prefix = ''): string | null {
  for (const [field, kind] of checks) {
    const v = value[field];
    if (kind === 'string?') {
      if (v !== undefined && typeof v !== 'string') return `${prefix}${field} must be a string`;
    } else if (kind === 'object' ? typeof v !== 'object' || v === null : typeof v !== kind) {
      return `${prefix}${field} must be a ${kind}`;
    }
  }
  return null;
}

/** Why a consumed payload cannot be used (naming the field), or null when it can. */
export function payloadProblem(type: string, payload: unknown): string | null {
  const checks = REQUIRED[type];
  if (!checks) return null;
  if (typeof payload !== 'object' || payload === null) return 'payload must be an object';
  const p = payload as Record<string, unknown>;
  const problem = check(p, checks);
  if (problem) return problem;
  if (type === C.cardCaptured) return check(p.card as Record<string, unknown>, CARD, 'card.');
  return null;
}
