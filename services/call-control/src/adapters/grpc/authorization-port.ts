// AuthorizationPort over the authorization service. The payment id is the idempotency key, so an
// UNAVAILABLE answer may be retried by the dialogue without any risk of charging twice.
import {
  type AbandonAuthorizationResponse,
  type Authorization,
  type AuthorizationServiceClient,
  AuthorizationStatus,
  type AuthorizeResponse,
  type GetAuthorizationResponse,
} from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { CallerHungUp, ServiceUnavailable } from '../../dialogue/errors';
import type { AuthorizationOutcome, AuthorizationPort, AuthorizeRequest } from '../../dialogue/ports';
import { deadline, grpcCode, isUnavailable, readyMetadata, unary } from './call-options';

const MODE = {
  AUTHORIZE: PaymentMode.PAYMENT_MODE_AUTHORIZE,
  CAPTURE: PaymentMode.PAYMENT_MODE_CAPTURE,
  REGISTER_CARD: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
} as const;

export class GrpcAuthorization implements AuthorizationPort {
  constructor(
    private readonly client: AuthorizationServiceClient,
    private readonly deadlineMs: number,
  ) {}

  async authorize(r: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizationOutcome> {
    const res = await this.call<AuthorizeResponse>(signal, (cb) =>
      this.client.authorize(
        {
          paymentId: r.paymentId,
          card: {
            pspToken: r.card.pspToken,
            brand: r.card.brand,
            bin: r.card.bin6,
            last4: r.card.last4,
            expiryMonth: r.card.expiryMonth,
            expiryYear: r.card.expiryYear,
          },
          amount:
            r.mode === 'REGISTER_CARD' && r.amount === 0 ? undefined : { minorUnits: r.amount, currency: r.currency },
          mode: MODE[r.mode],
          orderReference: r.orderReference,
          customerReference: '',
          correlationId: r.correlationId,
          pspAccountId: r.pspAccountId,
        },
        readyMetadata(),
        { deadline: deadline(this.deadlineMs) },
        cb,
      ),
    );
    return outcome(res.authorization);
  }

  async getAuthorization(paymentId: string, signal: AbortSignal): Promise<AuthorizationOutcome> {
    const res = await this.call<GetAuthorizationResponse>(signal, (cb) =>
      this.client.getAuthorization({ paymentId }, readyMetadata(), { deadline: deadline(this.deadlineMs) }, cb),
    );
    return outcome(res.authorization);
  }

  /**
   * Fences a lost call's payment (crash recovery): FAILED if Authorize was never received, else the
   * authorization as it stands. Throws ServiceUnavailable when the service cannot answer.
   */
  async abandon(paymentId: string, reason: string, correlationId: string): Promise<AuthorizationOutcome> {
    const res = await this.call<AbandonAuthorizationResponse>(undefined, (cb) =>
      this.client.abandonAuthorization(
        { paymentId, reason, correlationId },
        readyMetadata(),
        { deadline: deadline(this.deadlineMs) },
        cb,
      ),
    );
    return outcome(res.authorization);
  }

  private async call<Res>(signal: AbortSignal | undefined, start: Parameters<typeof unary<Res>>[1]): Promise<Res> {
    try {
      return await unary<Res>(signal, start);
    } catch (err) {
      if (err instanceof CallerHungUp) throw err;
      if (isUnavailable(err)) throw new ServiceUnavailable('authorization', `status ${grpcCode(err)}`);
      // INVALID_ARGUMENT / ALREADY_EXISTS / INTERNAL: not retryable, and nothing was charged for it.
      return Promise.reject(new ServiceUnavailable('authorization', `refused with status ${grpcCode(err)}`));
    }
  }
}

function outcome(a: Authorization | undefined): AuthorizationOutcome {
  const pspReference = a?.pspReference ? { pspReference: a.pspReference } : {};
  switch (a?.status) {
    case AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED:
      return { status: 'APPROVED', ...pspReference };
    case AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED:
      return { status: 'CAPTURED', ...pspReference };
    case AuthorizationStatus.AUTHORIZATION_STATUS_REGISTERED:
      return { status: 'REGISTERED', ...pspReference };
    case AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED:
      return {
        status: 'DECLINED',
        declineReason: (a.decline?.reason ?? 'DECLINE_REASON_GENERIC_DECLINE').replace(/^DECLINE_REASON_/, ''),
        ...pspReference,
      };
    case AuthorizationStatus.AUTHORIZATION_STATUS_PENDING:
      return { status: 'PENDING' };
    default:
      return {
        status: 'FAILED',
        failureCode: a?.failure?.code || 'unknown',
        retryable: a?.failure?.retryable ?? false,
      };
  }
}
