// PaymentsPort over order-link's TransferCodeService: NOT_FOUND is an unknown code,
// FAILED_PRECONDITION an expired one (or a payment no longer waiting for a call).
import { status } from '@grpc/grpc-js';
import { DEFAULT_PSP_ACCOUNT_ID, type Language, languageFromProto } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import {
  CallMode,
  type ResolveTransferCodeResponse,
  type TransferCodeServiceClient,
} from '@ivr/contracts/orderlink/v1';
import { CallerHungUp, ServiceUnavailable } from '../../dialogue/errors';
import type { PaymentsPort, PaymentToCollect, Resolution } from '../../dialogue/ports';
import { deadline, grpcCode, readyMetadata, unary } from './call-options';

export class GrpcPayments implements PaymentsPort {
  constructor(
    private readonly client: TransferCodeServiceClient,
    private readonly deadlineMs: number,
    private readonly defaultLanguage: Language,
  ) {}

  async resolveTransferCode(code: string, signal?: AbortSignal): Promise<Resolution> {
    try {
      const res = await unary<ResolveTransferCodeResponse>(signal, (cb) =>
        this.client.resolveTransferCode(
          { transferCode: code },
          readyMetadata(),
          { deadline: deadline(this.deadlineMs) },
          cb,
        ),
      );
      return { kind: 'found', payment: this.toPayment(res) };
    } catch (err) {
      if (err instanceof CallerHungUp) throw err;
      const code = grpcCode(err);
      if (code === status.NOT_FOUND || code === status.INVALID_ARGUMENT) return { kind: 'not-found' };
      if (code === status.FAILED_PRECONDITION) return { kind: 'expired' };
      throw new ServiceUnavailable('order-link', `ResolveTransferCode failed (${status[code ?? status.UNKNOWN]})`);
    }
  }

  private toPayment(res: ResolveTransferCodeResponse): PaymentToCollect {
    return {
      paymentId: res.paymentId,
      orderId: res.orderId,
      amount: res.amount?.minorUnits ?? 0,
      currency: res.amount?.currency ?? '',
      mode:
        res.mode === PaymentMode.PAYMENT_MODE_CAPTURE
          ? 'CAPTURE'
          : res.mode === PaymentMode.PAYMENT_MODE_REGISTER_CARD
            ? 'REGISTER_CARD'
            : 'AUTHORIZE',
      language: languageFromProto(res.language) ?? this.defaultLanguage,
      returnSipAddress: res.returnSipAddress,
      // Unspecified (an order-link from before call modes) is IVR_ONLY.
      callMode: res.callMode === CallMode.CALL_MODE_AGENT_ASSISTED ? 'AGENT_ASSISTED' : 'IVR_ONLY',
      pspAccountId: res.pspAccountId || DEFAULT_PSP_ACCOUNT_ID,
    };
  }
}
