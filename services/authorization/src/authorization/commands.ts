import type { GatewayDeclineReason } from '@ivr/contracts';
import type { MaskedCard, Mode } from './events';
import type { Money } from './money';

/** Times (`at`) come from the injected clock, as ISO 8601 strings. */
export type AuthorizationCommand =
  | {
      type: 'RequestAuthorization';
      paymentId: string;
      mode: Mode;
      amount: Money | null;
      orderReference: string;
      card: MaskedCard;
      customerReference: string | null;
      /** The merchant's PSP account (`default`: the deployment's own); every gateway call of the payment uses it. */
      pspAccountId: string;
      at: string;
    }
  | { type: 'RecordGatewayOutcome'; outcome: GatewayOutcome; at: string }
  | { type: 'RecordCapture'; pspReference: string; amount: Money; at: string }
  | { type: 'RecordVoid'; pspReference: string; at: string }
  /** The call collecting the card was lost: fence the payment id unless it was already requested. */
  | { type: 'AbandonAuthorization'; paymentId: string; reason: string; at: string };

/** What the gateway answered to the authorization (or registration) request. */
export type GatewayOutcome =
  | { kind: 'approved'; pspReference: string; authorizationCode: string; captured: boolean; amount: Money }
  | { kind: 'registered'; customerReference: string; storedCardReference: string; pspReference: string }
  | {
      kind: 'declined';
      reason: GatewayDeclineReason;
      pspCode: string;
      pspDeclineCode: string;
      message: string;
      pspReference: string | null;
    }
  /** The gateway refused the request itself, or was unreachable: retryable when nothing happened there. */
  | { kind: 'failed'; code: string; message: string; retryable: boolean }
  /** No answer: may or may not have happened. */
  | { kind: 'unknown'; cause: string; message: string };
