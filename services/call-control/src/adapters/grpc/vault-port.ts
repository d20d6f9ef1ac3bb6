// VaultPort over the vault's gRPC API (mTLS). A session that the vault no longer knows (it was
// restarted, or expired) and a vault that cannot be reached both mean the caller's media is gone:
// MediaSessionLost. The vault's messages are masked by contract; nothing here logs them anyway.
// Several vault replicas (VaultReplicas): a session opens on one, the next in turn, or the one after
// when it cannot be reached or is full, and its later calls go to that one (its handle names it).
import { type ServiceError, status } from '@grpc/grpc-js';
import { type Language, languageToProto } from '@ivr/contracts';
import type { MaskedCard as MaskedCardMsg } from '@ivr/contracts/common/v1';
import {
  type CaptureFieldResponse,
  CloseReason,
  Codec,
  FailureReason,
  FieldKind,
  Language as LegacyLanguageMsg,
  type OpenMediaSessionResponse,
  type RegisterCardResponse,
  RegistrationFailure,
  Terminator,
  TimeoutPhase,
} from '@ivr/contracts/vault/v1';
import { type MediaOffer, type MediaPort, MediaRefused, type OpenedMedia } from '../../app/ports';
import { CallerHungUp, MediaSessionLost, ServiceUnavailable } from '../../dialogue/errors';
import type { CaptureResult, CaptureUpdate, FieldRequest, PlayRequest, Registration } from '../../dialogue/ports';
import { deadline, grpcCode, isUnavailable, readyMetadata, unary } from './call-options';
import type { VaultReplicas } from './vault-replicas';

export interface VaultTimeouts {
  /** Open, close, and other short calls. */
  unaryMs: number;
  /** A prompt plays for its length: allow that. */
  playMs: number;
  /** A registration waits for the PSP. */
  registerMs: number;
}

/**
 * What a vault of the previous release reads (vault.v1's own Language, ja and en only); sent alongside until
 * the next release. A language added since is not in it: unspecified there, and only this release's vault
 * (which reads prompt_language) can speak it.
 */
const LEGACY_LANGUAGE: Partial<Record<Language, LegacyLanguageMsg>> = {
  ja: LegacyLanguageMsg.LANGUAGE_JA,
  en: LegacyLanguageMsg.LANGUAGE_EN,
};
const KIND: Record<FieldRequest['kind'], FieldKind> = {
  card_number: FieldKind.FIELD_KIND_CARD_NUMBER,
  expiry: FieldKind.FIELD_KIND_EXPIRY,
  security_code: FieldKind.FIELD_KIND_SECURITY_CODE,
  digits: FieldKind.FIELD_KIND_DIGITS,
};

export class GrpcVault implements MediaPort {
  constructor(
    private readonly vaults: VaultReplicas,
    private readonly timeouts: VaultTimeouts,
  ) {}

  /**
   * Before the answer: throws MediaRefused when the vault can honour none of the offer's a=crypto
   * lines, ServiceUnavailable when it cannot give a media endpoint. The SRTP keys go as bytes and are
   * zeroed once the vault has answered (gRPC may serialise them only when the channel is ready).
   */
  async open(offer: MediaOffer): Promise<OpenedMedia> {
    const offeredCrypto = offer.crypto.map((value) => Buffer.from(value, 'latin1'));
    try {
      const order = this.vaults.openOrder();
      for (const [n, replica] of order.entries()) {
        const last = n === order.length - 1;
        try {
          return await this.openOn(replica, offer, offeredCrypto, last);
        } catch (err) {
          // Another replica may have room, or be up: only a refusal of the offer itself is final.
          if (last || !isUnavailable(err)) throw err;
        }
      }
      throw new Error('no vault replica');
    } catch (err) {
      // The vault's message names tags, suites and reasons, never a key.
      if (grpcCode(err) === status.FAILED_PRECONDITION) throw new MediaRefused((err as ServiceError).details);
      throw new ServiceUnavailable('dtmf-vault', `OpenMediaSession failed (${grpcCode(err) ?? 'error'})`);
    } finally {
      for (const bytes of offeredCrypto) bytes.fill(0);
    }
  }

  /**
   * One replica's OpenMediaSession. Only the last one tried waits for a (re)connecting channel: the
   * others fail at once when theirs is failing, and the next is asked.
   */
  private async openOn(
    replica: number,
    offer: MediaOffer,
    offeredCrypto: Buffer[],
    waitForReady: boolean,
  ): Promise<OpenedMedia> {
    const metadata = readyMetadata();
    if (!waitForReady) metadata.setOptions({ waitForReady: false });
    const res = await unary<OpenMediaSessionResponse>(undefined, (cb) =>
      this.vaults.client(replica).openMediaSession(
        {
          offeredCodecs: [offer.codec === 'PCMA' ? Codec.CODEC_PCMA : Codec.CODEC_PCMU],
          telephoneEventPayloadType: offer.telephoneEventPayloadType ?? 0,
          remoteAddress: offer.remote.address,
          remotePort: offer.remote.port,
          pinRemoteAddress: false,
          callId: offer.callId,
          offeredCrypto,
        },
        metadata,
        { deadline: deadline(this.timeouts.unaryMs) },
        cb,
      ),
    );
    return {
      sessionId: this.vaults.handle(replica, res.sessionId),
      address: res.rtpAddress,
      port: res.rtpPort,
      ...(res.answerCrypto ? { answerCrypto: res.answerCrypto } : {}),
    };
  }

  async play(handle: string, request: PlayRequest, signal: AbortSignal): Promise<void> {
    await this.guard(() => {
      const { client, sessionId } = this.vaults.route(handle);
      return unary(signal, (cb) =>
        client.playPrompts(
          {
            sessionId,
            promptIds: request.promptIds,
            amount: request.amount,
            promptLanguage: languageToProto(request.language),
            language: LEGACY_LANGUAGE[request.language] ?? LegacyLanguageMsg.LANGUAGE_UNSPECIFIED,
            bargeIn: request.bargeIn,
            ifIdle: request.ifIdle ?? false,
          },
          readyMetadata(),
          { deadline: deadline(this.timeouts.playMs) },
          cb,
        ),
      );
    });
  }

  capture(
    handle: string,
    request: FieldRequest,
    onUpdate: (update: CaptureUpdate) => void,
    signal: AbortSignal,
  ): Promise<CaptureResult> {
    if (signal.aborted) return Promise.reject(new CallerHungUp());
    let route: ReturnType<VaultReplicas['route']>;
    try {
      route = this.vaults.route(handle);
    } catch (err) {
      return Promise.reject(err);
    }
    const { client, sessionId } = route;
    // Long enough for every attempt at its slowest, plus prompts; the vault ends it well before.
    const budgetMs =
      this.timeouts.playMs +
      request.maxAttempts * (this.timeouts.playMs + request.firstDigitTimeoutMs + 20 * request.interDigitTimeoutMs);
    const stream = client.captureField(
      {
        sessionId,
        kind: KIND[request.kind],
        promptLanguage: languageToProto(request.language),
        language: LEGACY_LANGUAGE[request.language] ?? LegacyLanguageMsg.LANGUAGE_UNSPECIFIED,
        promptIds: request.promptIds,
        retryPromptIds: request.retryPromptIds,
        minLength: request.minLength ?? 0,
        maxLength: request.maxLength ?? 0,
        terminator: request.terminator === 'none' ? Terminator.TERMINATOR_NONE : Terminator.TERMINATOR_HASH,
        firstDigitTimeoutMs: request.firstDigitTimeoutMs,
        interDigitTimeoutMs: request.interDigitTimeoutMs,
        maxAttempts: request.maxAttempts,
      },
      readyMetadata(),
      { deadline: deadline(budgetMs) },
    );
    return new Promise<CaptureResult>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => {
        stream.cancel();
        settle(() => reject(new CallerHungUp()));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (msg: CaptureFieldResponse) => {
        const u = msg.update;
        if (!u) return;
        switch (u.$case) {
          case 'progress':
            onUpdate({
              type: 'progress',
              digitsEntered: u.value.digitsEntered,
              ...(u.value.brand ? { brand: u.value.brand } : {}),
            });
            return;
          case 'restarted':
            onUpdate({ type: 'restarted', attemptsLeft: u.value.attemptsLeft });
            return;
          case 'invalid':
            onUpdate({ type: 'invalid', reason: invalidReason(u.value.reason), attemptsLeft: u.value.attemptsLeft });
            return;
          case 'timedOut':
            onUpdate({
              type: 'timed_out',
              phase: u.value.phase === TimeoutPhase.TIMEOUT_PHASE_INTER_DIGIT ? 'inter_digit' : 'first_digit',
              attemptsLeft: u.value.attemptsLeft,
            });
            return;
          case 'completed':
            settle(() =>
              resolve({
                kind: 'completed',
                digitsEntered: u.value.digitsEntered,
                ...(u.value.brand ? { brand: u.value.brand } : {}),
                ...(u.value.plainDigits ? { plainDigits: u.value.plainDigits } : {}),
              }),
            );
            return;
          case 'failed':
            settle(() =>
              u.value.reason === FailureReason.FAILURE_REASON_SESSION_CLOSED
                ? reject(new MediaSessionLost('media session closed during capture'))
                : resolve({ kind: 'failed', reason: 'attempts_exhausted' }),
            );
            return;
        }
      });
      stream.on('error', (err) => settle(() => reject(this.translate(err))));
      stream.on('end', () => settle(() => reject(new MediaSessionLost('capture stream ended without a result'))));
    });
  }

  async registerCard(
    handle: string,
    idempotencyKey: string,
    pspAccountId: string,
    signal: AbortSignal,
  ): Promise<Registration> {
    const res = await this.guard(() => {
      const { client, sessionId } = this.vaults.route(handle);
      return unary<RegisterCardResponse>(signal, (cb) =>
        client.registerCard(
          { sessionId, idempotencyKey, pspAccountId },
          readyMetadata(),
          { deadline: deadline(this.timeouts.registerMs) },
          cb,
        ),
      );
    });
    if (res.card?.pspToken) return { kind: 'registered', card: maskedCard(res.card) };
    switch (res.failure) {
      case RegistrationFailure.REGISTRATION_FAILURE_DECLINED:
        return {
          kind: 'failed',
          failure: 'declined',
          ...(res.pspDeclineCode
            ? { decline: { reason: res.declineReason, pspCode: res.pspCode, pspDeclineCode: res.pspDeclineCode } }
            : {}),
        };
      case RegistrationFailure.REGISTRATION_FAILURE_INVALID_CARD:
        return { kind: 'failed', failure: 'invalid-card' };
      case RegistrationFailure.REGISTRATION_FAILURE_PSP_TIMEOUT:
        return { kind: 'failed', failure: 'psp-timeout' };
      case RegistrationFailure.REGISTRATION_FAILURE_CARD_WIPED:
        return { kind: 'failed', failure: 'card-wiped' };
      default:
        return { kind: 'failed', failure: 'psp-unavailable' };
    }
  }

  async closeSession(handle: string, reason: 'hangup' | 'completed'): Promise<void> {
    await unary(undefined, (cb) => {
      const { client, sessionId } = this.vaults.route(handle);
      return client.closeMediaSession(
        {
          sessionId,
          reason: reason === 'completed' ? CloseReason.CLOSE_REASON_COMPLETED : CloseReason.CLOSE_REASON_HANGUP,
        },
        readyMetadata(),
        { deadline: deadline(this.timeouts.unaryMs) },
        cb,
      );
    }).catch(() => {
      // Gone already (restart, expiry, its replica): the vault wiped it then.
    });
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): Error {
    if (err instanceof CallerHungUp || err instanceof MediaSessionLost) return err;
    const code = grpcCode(err);
    if (code === status.NOT_FOUND || code === status.CANCELLED || isUnavailable(err)) {
      return new MediaSessionLost(`vault: ${status[code ?? status.UNKNOWN]}`);
    }
    // INVALID_ARGUMENT, FAILED_PRECONDITION, INTERNAL: a defect; the call cannot go on either way.
    return new MediaSessionLost(`vault refused: ${status[code ?? status.UNKNOWN]}`);
  }
}

function invalidReason(reason: string): string {
  return reason.replace(/^INVALID_REASON_/, '').toLowerCase();
}

function maskedCard(card: MaskedCardMsg): MaskedCard {
  return {
    pspToken: card.pspToken,
    brand: card.brand,
    bin6: card.bin,
    last4: card.last4,
    expiryMonth: card.expiryMonth,
    expiryYear: card.expiryYear,
  };
}

type MaskedCard = import('@ivr/contracts').MaskedCard;
