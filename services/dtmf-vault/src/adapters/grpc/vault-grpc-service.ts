// The VaultService gRPC handlers: check the client's identity, translate, call the Vault, and map
// failures to status codes whose messages never carry card data.
import { type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, status } from '@grpc/grpc-js';
import { DEFAULT_PSP_ACCOUNT_ID, isPspAccountId } from '@ivr/contracts';
import type {
  CaptureFieldRequest,
  CaptureFieldResponse,
  CloseMediaSessionRequest,
  CloseMediaSessionResponse,
  OpenMediaSessionRequest,
  OpenMediaSessionResponse,
  PlayPromptsRequest,
  PlayPromptsResponse,
  RegisterCardRequest,
  RegisterCardResponse,
  VaultServiceServer,
} from '@ivr/contracts/vault/v1';
import { RegistrationFailure } from '@ivr/contracts/vault/v1';
import { type Codec, PortRangeExhaustedError } from '@ivr/media';
import { SessionBusyError } from '../../app/capture';
import { SessionClosedError } from '../../app/media-session';
import { PlainDigitsRefusedError } from '../../app/plain-digits';
import {
  BadRequestError,
  CardIncompleteError,
  CardWipedError,
  LegStateError,
  SessionLimitError,
  SessionNotFoundError,
  SrtpRefusedError,
  type Vault,
} from '../../app/vault';
import { TokenizeError } from '../../card/card-tokenizer';
import { PromptError } from '../../prompts/prompt-store';
import { legHandlers } from './leg-handlers';
import {
  captureRequestFromMsg,
  captureUpdateToMsg,
  closeReasonFromMsg,
  codecFromMsg,
  codecToMsg,
  languageFromMsg,
  playOutcomeToMsg,
  promptIdsFromMsg,
  registrationFailureToMsg,
  sessionClosedMsg,
  statsToMsg,
} from './mappers';

export interface GrpcError {
  code: status;
  details: string;
}

/** Maps a failure to a gRPC status. Unknown errors get a generic message: theirs might quote input. */
export function toGrpcError(err: unknown): GrpcError {
  if (err instanceof PermissionError || err instanceof PlainDigitsRefusedError)
    return { code: status.PERMISSION_DENIED, details: err.message };
  if (err instanceof SessionNotFoundError || err instanceof SessionClosedError)
    return { code: status.NOT_FOUND, details: err.message };
  if (err instanceof BadRequestError || err instanceof PromptError)
    return { code: status.INVALID_ARGUMENT, details: err.message };
  if (
    err instanceof SessionBusyError ||
    err instanceof CardIncompleteError ||
    err instanceof SrtpRefusedError ||
    err instanceof LegStateError
  )
    return { code: status.FAILED_PRECONDITION, details: err.message };
  if (err instanceof PortRangeExhaustedError || err instanceof SessionLimitError)
    return { code: status.RESOURCE_EXHAUSTED, details: err.message };
  if (err instanceof RangeError) return { code: status.INVALID_ARGUMENT, details: err.message };
  return { code: status.INTERNAL, details: 'internal error' };
}

class PermissionError extends Error {}

type AuthenticatedCall = Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

/** The client certificate's common name, which mutual TLS has already verified against our CA. */
export function clientIdentity(call: AuthenticatedCall): string | undefined {
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

export function createVaultGrpcService(vault: Vault, allowedClients: readonly string[]): VaultServiceServer {
  const authorize = (call: AuthenticatedCall) => {
    const identity = clientIdentity(call);
    if (!identity || !allowedClients.includes(identity))
      throw new PermissionError(`client ${identity ?? '(no certificate)'} may not use the vault`);
  };

  const unary =
    <Req, Res>(handle: (request: Req) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      Promise.resolve()
        .then(() => {
          authorize(call);
          return handle(call.request);
        })
        .then(
          (response) => callback(null, response),
          (err) => callback(toGrpcError(err)),
        );
    };

  return {
    openMediaSession: unary<OpenMediaSessionRequest, OpenMediaSessionResponse>(async (req) => {
      const offered = req.offeredCodecs.map(codecFromMsg).filter((c): c is Codec => c !== undefined);
      try {
        const opened = await vault.open({
          offeredCodecs: offered.length ? offered : ['PCMU'],
          telephoneEventPayloadType: req.telephoneEventPayloadType || undefined,
          sdpPeer:
            req.remoteAddress && req.remotePort ? { address: req.remoteAddress, port: req.remotePort } : undefined,
          offeredCrypto: req.offeredCrypto,
        });
        return {
          sessionId: opened.sessionId,
          rtpAddress: opened.address,
          rtpPort: opened.port,
          codec: codecToMsg(opened.codec),
          telephoneEventPayloadType: opened.telephoneEventPayloadType,
          answerCrypto: opened.answerCrypto ?? '',
        };
      } finally {
        for (const crypto of req.offeredCrypto) crypto.fill(0); // the caller's SRTP keys: read, now gone
      }
    }),

    playPrompts: unary<PlayPromptsRequest, PlayPromptsResponse>(async (req) => {
      const outcome = await vault.play(req.sessionId, {
        promptIds: promptIdsFromMsg(req.promptIds),
        amount: req.amount ? { minorUnits: req.amount.minorUnits, currency: req.amount.currency } : undefined,
        language: languageFromMsg(req),
        bargeIn: req.bargeIn,
        ifIdle: req.ifIdle,
      });
      return { outcome: playOutcomeToMsg[outcome] };
    }),

    captureField: (call: ServerWritableStream<CaptureFieldRequest, CaptureFieldResponse>) => {
      const fail = (err: unknown) => call.emit('error', toGrpcError(err));
      // call-control gave up on the field (its caller hung up, or its deadline passed): free the
      // session. Only this stream's capture: grpc-js (1.14) also emits 'cancelled' after a stream
      // that ended normally, once its trailers are out, by which time call-control may already have
      // started the next field's capture. Ending that one was the "media session closed during
      // capture" seen under load.
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      let outcome: ReturnType<Vault['capture']>;
      try {
        authorize(call);
        outcome = vault.capture(
          call.request.sessionId,
          captureRequestFromMsg(call.request),
          (update) => call.write(captureUpdateToMsg(update)),
          cancelled.signal,
        );
      } catch (err) {
        fail(err);
        return;
      }
      outcome.then((result) => {
        if (result.status === 'closed') call.write(sessionClosedMsg);
        call.end();
      }, fail);
    },

    registerCard: unary<RegisterCardRequest, RegisterCardResponse>(async (req) => {
      if (!req.idempotencyKey) throw new BadRequestError('idempotency_key is required');
      const pspAccountId = req.pspAccountId || DEFAULT_PSP_ACCOUNT_ID;
      if (!isPspAccountId(pspAccountId))
        throw new BadRequestError('psp_account_id must be default or a pa_ account id');
      const none = { declineReason: '', pspCode: '', pspDeclineCode: '' };
      try {
        const card = await vault.registerCard(req.sessionId, req.idempotencyKey, pspAccountId);
        return {
          ...none,
          card: {
            pspToken: card.token,
            brand: card.brand,
            bin: card.bin,
            last4: card.last4,
            expiryMonth: card.expiryMonth,
            expiryYear: card.expiryYear,
          },
          failure: RegistrationFailure.REGISTRATION_FAILURE_UNSPECIFIED,
        };
      } catch (err) {
        if (err instanceof TokenizeError) {
          const decline = err.decline
            ? {
                declineReason: err.decline.reason,
                pspCode: err.decline.pspCode,
                pspDeclineCode: err.decline.pspDeclineCode,
              }
            : none;
          return { failure: registrationFailureToMsg[err.failure], ...decline };
        }
        if (err instanceof CardWipedError)
          return { failure: RegistrationFailure.REGISTRATION_FAILURE_CARD_WIPED, ...none };
        throw err;
      }
    }),

    closeMediaSession: unary<CloseMediaSessionRequest, CloseMediaSessionResponse>(async (req) => {
      const counters = vault.close(req.sessionId, closeReasonFromMsg(req.reason));
      if (!counters) throw new SessionNotFoundError('no such media session');
      return { stats: statsToMsg(counters) };
    }),

    ...legHandlers({ vault, unary, authorize, toGrpcError }),
  };
}
