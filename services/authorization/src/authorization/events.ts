/** The Authorization aggregate's events are a public contract: defined in @ivr/contracts. */
export type {
  AuthorizationDeclineReason as DeclineReason,
  AuthorizationEvent,
  AuthorizationEventType,
  AuthorizationMaskedCard as MaskedCard,
  AuthorizationMode as Mode,
} from '@ivr/contracts';
