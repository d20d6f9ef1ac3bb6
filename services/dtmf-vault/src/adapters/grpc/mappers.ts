// Translation between the generated protobuf types and the vault's own types.
import {
  isPromptId,
  LANGUAGES,
  type Language,
  languageFromProto,
  languageToProto,
  type PromptId,
} from '@ivr/contracts';
import type { Language as LanguageMsg } from '@ivr/contracts/common/v1';
import {
  type CaptureFieldRequest,
  type CaptureFieldResponse,
  CloseReason as CloseReasonMsg,
  Codec as CodecMsg,
  FailureReason,
  FieldKind,
  InvalidReason,
  Language as LegacyLanguageMsg,
  PlayOutcome as PlayOutcomeMsg,
  RegistrationFailure,
  type SessionStats,
  Terminator,
  TimeoutPhase,
} from '@ivr/contracts/vault/v1';
import type { Codec } from '@ivr/media';
import type { PlayOutcome } from '../../app/playout';
import type { SessionCounters } from '../../app/session-counters';
import { BadRequestError, type CaptureRequest, type CloseReason } from '../../app/vault';
import type {
  CaptureUpdate,
  FieldKind as DomainFieldKind,
  InvalidReason as DomainInvalidReason,
} from '../../capture/field-capture';
import type { TokenizeFailure } from '../../card/card-tokenizer';

export function codecFromMsg(codec: CodecMsg): Codec | undefined {
  if (codec === CodecMsg.CODEC_PCMU) return 'PCMU';
  if (codec === CodecMsg.CODEC_PCMA) return 'PCMA';
  return undefined;
}

export function codecToMsg(codec: Codec): CodecMsg {
  return codec === 'PCMU' ? CodecMsg.CODEC_PCMU : CodecMsg.CODEC_PCMA;
}

/**
 * The language of a request's prompts: `prompt_language` (ivr.common.v1), else the deprecated vault.v1
 * `language` that a call-control of the previous release sends (its numbers differ: decoded by its own enum).
 */
export function languageFromMsg(msg: { promptLanguage: LanguageMsg; language: LegacyLanguageMsg }): Language {
  const language = languageFromProto(msg.promptLanguage);
  if (language) return language;
  if (msg.language === LegacyLanguageMsg.LANGUAGE_JA) return 'ja';
  if (msg.language === LegacyLanguageMsg.LANGUAGE_EN) return 'en';
  throw new BadRequestError(`prompt_language must be one of ${LANGUAGES.map(languageToProto).join(', ')}`);
}

/** Prompt ids are the sentences of @ivr/contracts' PROMPT_IDS; anything else is refused. */
export function promptIdsFromMsg(ids: string[]): PromptId[] {
  const unknown = ids.filter((id) => !isPromptId(id));
  if (unknown.length) throw new BadRequestError(`unknown prompt ids: ${unknown.join(', ')}`);
  return ids.filter(isPromptId);
}

export const playOutcomeToMsg: Record<PlayOutcome, PlayOutcomeMsg> = {
  completed: PlayOutcomeMsg.PLAY_OUTCOME_COMPLETED,
  interrupted: PlayOutcomeMsg.PLAY_OUTCOME_INTERRUPTED,
  stopped: PlayOutcomeMsg.PLAY_OUTCOME_STOPPED,
};

const FIELD_KINDS: Partial<Record<FieldKind, DomainFieldKind>> = {
  [FieldKind.FIELD_KIND_CARD_NUMBER]: 'card_number',
  [FieldKind.FIELD_KIND_EXPIRY]: 'expiry',
  [FieldKind.FIELD_KIND_SECURITY_CODE]: 'security_code',
  [FieldKind.FIELD_KIND_DIGITS]: 'digits',
};

export function captureRequestFromMsg(msg: CaptureFieldRequest): CaptureRequest {
  const kind = FIELD_KINDS[msg.kind];
  if (!kind) throw new BadRequestError('field kind is required');
  return {
    kind,
    language: languageFromMsg(msg),
    promptIds: promptIdsFromMsg(msg.promptIds),
    retryPromptIds: promptIdsFromMsg(msg.retryPromptIds),
    firstDigitTimeoutMs: msg.firstDigitTimeoutMs || 10_000,
    interDigitTimeoutMs: msg.interDigitTimeoutMs || 5_000,
    maxAttempts: msg.maxAttempts || 3,
    minLength: msg.minLength || undefined,
    maxLength: msg.maxLength || undefined,
    terminator: msg.terminator === Terminator.TERMINATOR_NONE ? undefined : '#',
  };
}

const INVALID_REASONS: Record<DomainInvalidReason, InvalidReason> = {
  too_short: InvalidReason.INVALID_REASON_TOO_SHORT,
  unknown_brand: InvalidReason.INVALID_REASON_UNKNOWN_BRAND,
  bad_length: InvalidReason.INVALID_REASON_BAD_LENGTH,
  bad_checksum: InvalidReason.INVALID_REASON_BAD_CHECKSUM,
  bad_month: InvalidReason.INVALID_REASON_BAD_MONTH,
  expired: InvalidReason.INVALID_REASON_EXPIRED,
  too_far_ahead: InvalidReason.INVALID_REASON_TOO_FAR_AHEAD,
};

export function captureUpdateToMsg(update: CaptureUpdate): CaptureFieldResponse {
  switch (update.type) {
    case 'progress':
      return {
        update: { $case: 'progress', value: { digitsEntered: update.digitsEntered, brand: update.brand ?? '' } },
      };
    case 'restarted':
      return { update: { $case: 'restarted', value: { attemptsLeft: update.attemptsLeft } } };
    case 'invalid':
      return {
        update: {
          $case: 'invalid',
          value: { reason: INVALID_REASONS[update.reason], attemptsLeft: update.attemptsLeft },
        },
      };
    case 'timed_out':
      return {
        update: {
          $case: 'timedOut',
          value: {
            phase:
              update.phase === 'first_digit'
                ? TimeoutPhase.TIMEOUT_PHASE_FIRST_DIGIT
                : TimeoutPhase.TIMEOUT_PHASE_INTER_DIGIT,
            attemptsLeft: update.attemptsLeft,
          },
        },
      };
    case 'completed':
      return {
        update: {
          $case: 'completed',
          value: {
            digitsEntered: update.digitsEntered,
            brand: update.brand ?? '',
            plainDigits: update.plainDigits ?? '',
          },
        },
      };
    case 'failed':
      return { update: { $case: 'failed', value: { reason: FailureReason.FAILURE_REASON_ATTEMPTS_EXHAUSTED } } };
  }
}

export const sessionClosedMsg: CaptureFieldResponse = {
  update: { $case: 'failed', value: { reason: FailureReason.FAILURE_REASON_SESSION_CLOSED } },
};

export function closeReasonFromMsg(reason: CloseReasonMsg): CloseReason {
  return reason === CloseReasonMsg.CLOSE_REASON_COMPLETED ? 'completed' : 'hangup';
}

export function statsToMsg(c: SessionCounters): SessionStats {
  return {
    packetsReceived: c.packetsReceived,
    packetsAccepted: c.packetsAccepted,
    packetsSent: c.packetsSent,
    garbage: c.garbage,
    foreignSsrc: c.foreignSsrc,
    wrongSource: c.wrongSource,
    unexpectedPayloadType: c.unexpectedPayloadType,
    keys: c.keys,
    srtpAuthFailed: c.srtpAuthFailed,
    srtpReplayed: c.srtpReplayed,
  };
}

export const registrationFailureToMsg: Record<TokenizeFailure, RegistrationFailure> = {
  declined: RegistrationFailure.REGISTRATION_FAILURE_DECLINED,
  invalid_card: RegistrationFailure.REGISTRATION_FAILURE_INVALID_CARD,
  unavailable: RegistrationFailure.REGISTRATION_FAILURE_PSP_UNAVAILABLE,
  timeout: RegistrationFailure.REGISTRATION_FAILURE_PSP_TIMEOUT,
};
