import type { GatewayDeclineReason, LifecycleCapabilities, PaymentOperation } from '@ivr/contracts';
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
      /** A stored card charged without the cardholder (the card's pspToken is the stored card's reference). */
      merchantInitiated?: boolean;
      at: string;
    }
  | { type: 'RecordGatewayOutcome'; outcome: GatewayOutcome; at: string }
  /** The call collecting the card was lost: fence the payment id unless it was already requested. */
  | { type: 'AbandonAuthorization'; paymentId: string; reason: string; at: string }
  /**
   * A request that cannot be sent at all (a merchant-initiated charge of a card that was never stored here):
   * recorded as failed, so that whoever waits for the outcome learns it. Nothing requested yet only.
   */
  | { type: 'RefuseAuthorization'; paymentId: string; code: string; message: string; at: string }
  /**
   * A capture, void or refund of the approved payment. Decided by the lifecycle rule of @ivr/contracts
   * (`resolveOperation`) with the gateway's capabilities: a refusal is recorded (and published), never thrown,
   * so that order-link, which asked through Kafka, learns it. `amount` null: all that can be.
   */
  | {
      type: 'RequestOperation';
      paymentId: string;
      operationId: string;
      operation: PaymentOperation;
      amount: Money | null;
      final?: boolean;
      capabilities: LifecycleCapabilities;
      at: string;
    }
  | { type: 'RecordOperationOutcome'; operationId: string; outcome: OperationOutcome; at: string };

/** What the gateway answered to the authorization (or registration) request. */
export type GatewayOutcome =
  | {
      kind: 'approved';
      pspReference: string;
      authorizationCode: string;
      captured: boolean;
      amount: Money;
      /** What the gateway can do next with the payment (reported to order-link with the approval). */
      capabilities?: LifecycleCapabilities;
    }
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

/** What the gateway answered to a capture, void or refund. */
export type OperationOutcome =
  | { kind: 'done'; pspReference: string; refundReference?: string }
  /** Refused or declined by the gateway (nothing moved), or not sent (`retryable`: the operation stays pending). */
  | { kind: 'failed'; code: string; message: string; retryable: boolean }
  | { kind: 'unknown'; cause: string; message: string };
