import { status as Code, type Metadata, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { languageFromProto, languageToProto } from '@ivr/contracts';
import type {
  GetPspAccountResponse,
  PaymentServiceServer,
  PspAccountServiceServer,
  TransferCodeServiceServer,
} from '@ivr/contracts/orderlink/v1';
import { peerIdentities, statusError } from '@ivr/grpc';
import { AppError, type AppErrorKind } from '../../app/errors';
import type { OperationsApp } from '../../app/operations-app';
import type { PaymentsApp } from '../../app/payments-app';
import type { Principal } from '../../app/ports';
import type { PspAccountsApp } from '../../app/psp-accounts-app';
import { removedOptionProblem } from '../../app/removed-options';
import { openApiDocument } from '../http/openapi';
import { compileValidators } from '../http/validation';
import type { ApiKeyRepository } from '../pg/api-keys';
import { lifecycleHandlers } from './lifecycle';
import {
  callModeFromProto,
  callModeToProto,
  fromTimestamp,
  modeFromProto,
  modeToProto,
  paymentToProto,
  statusFromProto,
  toTimestamp,
} from './mapping';
import { removedFieldsOf } from './removed-fields';

const CODES: Record<AppErrorKind, Code> = {
  invalid: Code.INVALID_ARGUMENT,
  unauthenticated: Code.UNAUTHENTICATED,
  forbidden: Code.PERMISSION_DENIED,
  not_found: Code.NOT_FOUND,
  conflict: Code.ABORTED,
  idempotency_mismatch: Code.ALREADY_EXISTS,
  invalid_state: Code.FAILED_PRECONDITION,
  unavailable: Code.UNAVAILABLE,
  rate_limited: Code.RESOURCE_EXHAUSTED,
};

/** AppErrors become their gRPC status, naming the offending fields; anything else stays INTERNAL. */
function toStatus(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const fields = err.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return statusError(CODES[err.kind], fields ? `${err.message} (${fields})` : err.message);
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

function unary<Req, Res>(fn: (req: Req, metadata: Metadata) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    fn(call.request, call.metadata).then(
      (res) => callback(null, res),
      (err) => callback(toStatus(err) as Error),
    );
  };
}

/** The same operations as REST, for order systems that prefer gRPC; the same API keys and validation. */
export function paymentService(
  payments: PaymentsApp,
  operations: OperationsApp,
  keys: ApiKeyRepository,
): PaymentServiceServer {
  const validators = compileValidators(openApiDocument);
  const validate = validators.get('createPayment')!;
  const validateCancel = validators.get('cancelPayment')!;
  const authenticate = async (metadata: Metadata): Promise<Principal> => {
    const header = String(metadata.get('authorization')[0] ?? '');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const key = m ? await keys.verify(m[1]!) : null;
    if (!key) throw new AppError('unauthenticated', 'send a valid API key as metadata `authorization: Bearer <key>`');
    return {
      actor: { kind: 'api_key', id: key.keyId, orderSystem: key.orderSystem },
      orderSystem: key.orderSystem,
      scopes: new Set(key.scopes),
    };
  };
  return {
    createPayment: unary(async (req, md) => {
      const who = await authenticate(md);
      const body = {
        orderId: req.orderId,
        amount: req.amount?.minorUnits,
        currency: req.amount?.currency,
        description: req.description,
        mode: modeFromProto(req.mode),
        language: languageFromProto(req.language),
        returnSipAddress: req.returnSipAddress,
        callMode: callModeFromProto(req.callMode),
        metadata: req.metadata,
        ...(req.storedCard
          ? {
              storedCard: {
                storedCardReference: req.storedCard.storedCardReference,
                ...(req.storedCard.customerReference ? { customerReference: req.storedCard.customerReference } : {}),
              },
              // No call: the phone fields are not asked for (their zero values are not a choice).
              ...(req.language ? {} : { language: undefined }),
              ...(req.returnSipAddress ? {} : { returnSipAddress: undefined }),
            }
          : {}),
      };
      const removed = removedFieldsOf(req).map((name) => removedOptionProblem(name, 'grpc')!);
      if (removed.length > 0) throw new AppError('invalid', removed[0]!.message, removed);
      const problems = validate.check({
        body,
        query: {},
        params: {},
        headers: req.idempotencyKey ? { 'idempotency-key': req.idempotencyKey } : {},
      });
      if (problems.length > 0)
        throw new AppError(
          'invalid',
          'invalid request',
          problems.map((p) => (p.field === 'Idempotency-Key' ? { ...p, field: 'idempotency_key' } : p)),
        );
      const answer = await payments.create(who, req.idempotencyKey, body as Parameters<PaymentsApp['create']>[2]);
      return { payment: paymentToProto(answer.body) };
    }),
    getPayment: unary(async (req, md) => ({
      payment: paymentToProto(await payments.get(await authenticate(md), req.paymentId, 'grpc')),
    })),
    findPaymentByOrderId: unary(async (req, md) => ({
      payment: paymentToProto(await payments.findByOrderId(await authenticate(md), req.orderId, 'grpc')),
    })),
    listPayments: unary(async (req, md) => {
      const who = await authenticate(md);
      const limit = req.pageSize === 0 ? 20 : req.pageSize;
      if (limit < 1 || limit > 100)
        throw new AppError('invalid', 'page_size must be 1–100', [
          { in: 'body', field: 'page_size', message: 'out of range' },
        ]);
      const status = statusFromProto(req.status);
      const from = fromTimestamp(req.createdAfter);
      const to = fromTimestamp(req.createdBefore);
      const page = await payments.list(
        who,
        {
          limit,
          ...(req.pageToken ? { cursor: req.pageToken } : {}),
          ...(status ? { status } : {}),
          ...(req.orderId ? { orderId: req.orderId } : {}),
          ...(from ? { createdFrom: from } : {}),
          ...(to ? { createdTo: to } : {}),
        },
        'grpc',
      );
      return { payments: page.data.map(paymentToProto), nextPageToken: page.nextCursor ?? '' };
    }),
    ...lifecycleHandlers(operations, authenticate, unary),
    cancelPayment: unary(async (req, md) => {
      const who = await authenticate(md);
      const body = req.reason ? { reason: req.reason } : {};
      const problems = validateCancel.check({ body, query: {}, params: {}, headers: {} });
      // The payment id has its own answer (NOT_FOUND); the body's fields are refused here.
      const bodyProblems = problems.filter((p) => p.in === 'body');
      if (bodyProblems.length > 0) throw new AppError('invalid', 'invalid request', bodyProblems);
      return { payment: paymentToProto(await payments.cancel(who, req.paymentId, req.reason || undefined)) };
    }),
  };
}

/** Internal, for call-control (server.ts admits only its certificate). */
export function transferCodeService(payments: PaymentsApp): TransferCodeServiceServer {
  return {
    resolveTransferCode: unary(async (req) => {
      if (!/^[0-9]{4,10}$/.test(req.transferCode)) {
        throw new AppError('invalid', 'transfer_code must be 4–10 digits', [
          { in: 'body', field: 'transfer_code', message: 'not numeric' },
        ]);
      }
      const p = await payments.resolveTransferCode(req.transferCode);
      return {
        paymentId: p.paymentId,
        orderId: p.orderId,
        amount: { minorUnits: p.amount, currency: p.currency },
        mode: modeToProto(p.mode),
        language: languageToProto(p.language),
        returnSipAddress: p.returnSipAddress,
        callMode: callModeToProto(p.callMode),
        ...(p.transferCodeExpiresAt ? { transferCodeExpiresAt: toTimestamp(p.transferCodeExpiresAt) } : {}),
        pspAccountId: p.pspAccountId,
      };
    }),
  };
}

/**
 * Internal, for the services that call the PSP (server.ts admits only their certificates): an account's
 * credentials, decision 0010. The vault (its certificate's identity in `siteOnlyClients`) gets GMO-PG's
 * site only: it registers cards and never pays.
 */
export function pspAccountService(
  accounts: PspAccountsApp,
  siteOnlyClients: readonly string[],
): PspAccountServiceServer {
  return {
    getPspAccount: (call, callback) => {
      const identities = peerIdentities(call.getAuthContext()?.sslPeerCertificate);
      const siteOnly = identities.some((name) => siteOnlyClients.includes(name));
      const accountId = call.request.accountId;
      const answer = async (): Promise<GetPspAccountResponse> => {
        if (!/^pa_[0-9a-f]{24}$/.test(accountId)) {
          throw new AppError('invalid', 'account_id must be a pa_ account id (default is not kept here)', [
            { in: 'body', field: 'account_id', message: 'not an account id' },
          ]);
        }
        const account = await accounts.credentials(accountId, siteOnly);
        const base = { accountId: account.id, provider: account.provider };
        return account.provider === 'gmo-pg'
          ? {
              ...base,
              credentials: {
                $case: 'gmoPg',
                value: {
                  shopId: account.shopId,
                  shopPass: account.shopPass,
                  siteId: account.siteId,
                  sitePass: account.sitePass,
                },
              },
            }
          : { ...base, credentials: { $case: 'stripe', value: { apiKey: account.apiKey } } };
      };
      answer().then(
        (res) => callback(null, res),
        (err) => callback(toStatus(err) as Error),
      );
    },
  };
}
