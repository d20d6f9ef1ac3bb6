// The vault's use cases over its media sessions: open, play, capture, register the card, close; and in
// agent-assisted mode a second leg to the operator, bridged with the caller's (open, point it at the
// operator's phone, follow either leg's hold, close it, watch the legs end).
// Sessions live in memory only; expiry and RTP silence close them and wipe their buffers and keys.
import { randomUUID } from 'node:crypto';
import { DEFAULT_PSP_ACCOUNT_ID, type Language, type PromptId } from '@ivr/contracts';
import {
  answerSdes,
  type Codec,
  type DtmfMaskerOptions,
  MediaBridge,
  PLAIN_RTP,
  type RtpProtection,
  type SdesRefusal,
} from '@ivr/media';
import { type CaptureUpdate, cardFieldSpec, type FieldKind, type FieldSpec } from '../capture/field-capture';
import type { CardBrand } from '../card/card-rules';
import { amountPrompts } from '../prompts/read-back';
import type { CaptureOutcome } from './capture';
import type { MediaDirection } from './leg-direction';
import { MediaSession } from './media-session';
import { type LegRemote, OperatorLeg } from './operator-leg';
import {
  DEFAULT_PLAIN_DIGITS_LIMITS,
  MAX_PLAIN_DIGITS,
  PlainDigitsGuard,
  type PlainDigitsLimits,
} from './plain-digits';
import type { PlayOutcome } from './playout';
import type { CardTokenizers, MediaPorts, MediaSocket, Peer, PlayoutClock, PromptAudio } from './ports';
import { addCounters, type SessionCounters, zeroCounters } from './session-counters';

export class SessionNotFoundError extends Error {}
export class BadRequestError extends Error {}
/** VAULT_MAX_SESSIONS reached: another replica (or a later try) may have room. */
export class SessionLimitError extends Error {}
export class CardIncompleteError extends Error {}
/** The session has an operator's leg already, or has none to change. */
export class LegStateError extends Error {}
/** The captured card was wiped before anyone asked to register it (VaultLimits.cardTtlMs). */
export class CardWipedError extends Error {}

/** How long a captured card waits for its registration by default, from its last field. */
export const DEFAULT_CARD_TTL_MS = 60_000;

/** The offer asked for SRTP and none of its a=crypto lines can be honoured: nothing was opened. */
export class SrtpRefusedError extends Error {
  constructor(readonly refused: SdesRefusal[]) {
    const why = refused.map((r) => `${r.tag ?? '?'} ${r.suite ?? '?'}: ${r.error}`).join('; ');
    super(`no usable a=crypto attribute (${why || 'none offered'})`);
  }
}

export interface VaultLimits {
  /** A session older than this is closed, whatever it is doing. */
  maxSessionMs: number;
  /** A session whose peer sent nothing for this long is closed (the caller hung up or the path broke). */
  rtpSilenceMs: number;
  maxSessions: number;
  /**
   * A captured card (any of its fields) not registered within this long of its last field's capture is
   * wiped (default DEFAULT_CARD_TTL_MS); not while a registration runs.
   */
  cardTtlMs?: number;
  /** What plain digits a session may return in clear (default: a 6-digit transfer code, 9 in all). */
  plainDigits?: PlainDigitsLimits;
}

export interface VaultDeps {
  ports: MediaPorts;
  /** Address put into the SDP answer (may differ from the bind address behind NAT). */
  advertisedAddress: string;
  ticker: PlayoutClock;
  prompts: PromptAudio;
  /** The PSP account's tokenizer: the merchant's, or the deployment's default. */
  tokenizers: CardTokenizers;
  limits: VaultLimits;
  now: () => number;
  today: () => Date;
  /** Masking of the caller's tones toward the operator (defaults: decision 0011). */
  masking?: Partial<DtmfMaskerOptions>;
}

export interface OpenSessionRequest {
  offeredCodecs: Codec[];
  telephoneEventPayloadType?: number;
  /** The SDP's media address: RTP from any other host is dropped (intake.ts). */
  sdpPeer?: Peer;
  /**
   * SRTP (SDES): the offer's a=crypto values, in its order. They hold the caller's master keys: the
   * vault reads them into its own buffers and the caller wipes these afterwards.
   */
  offeredCrypto?: readonly Uint8Array[];
}

export interface OpenedSession {
  sessionId: string;
  address: string;
  port: number;
  codec: Codec;
  telephoneEventPayloadType: number;
  /** The answer's a=crypto value (our tag, suite and key for what the vault sends), when SRTP. */
  answerCrypto?: string;
}

export interface PlayRequest {
  promptIds: PromptId[];
  amount?: { minorUnits: number; currency: string };
  language: Language;
  bargeIn: boolean;
  /** Only if nothing plays now (a filler that must not cut a later prompt): else `stopped` at once. */
  ifIdle?: boolean;
}

export interface CaptureRequest {
  kind: FieldKind;
  language: Language;
  promptIds: PromptId[];
  retryPromptIds: PromptId[];
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
  maxAttempts: number;
  /** For plain digits only; card fields take their lengths from the card rules. */
  minLength?: number;
  maxLength?: number;
  terminator?: '#' | undefined;
}

export interface RegisteredCard {
  token: string;
  brand: CardBrand;
  bin: string;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
}

export type CloseReason = 'hangup' | 'completed' | 'expired' | 'rtp_silence' | 'shutdown';

export type Leg = 'caller' | 'operator';

export interface OpenedOperatorLeg {
  address: string;
  port: number;
  /** For the offer, preferred first: the caller's codec (no transcoding), then the other. */
  codecs: Codec[];
  telephoneEventPayloadType: number;
}

/** What call-control hears about a session without asking (WatchMediaSession). */
export type SessionEvent =
  | { type: 'leg_ended'; leg: 'operator'; reason: 'rtp_silence' | 'closed' }
  | { type: 'session_ended'; reason: CloseReason };

export interface BridgeCounters {
  /** Open now. */
  operatorLegs: number;
  maskedSamples: number;
  eventsDropped: number;
}

interface Entry {
  session: MediaSession;
  socket: MediaSocket;
  openedAt: number;
  onTick: () => void;
  plainDigits: PlainDigitsGuard;
  /** When the card's latest field was captured, while the card waits for its registration. */
  cardCapturedAt?: number;
  /** A registration is running: the card is in use, it is wiped when the PSP answers. */
  registering?: boolean;
  /** The card was wiped unregistered (and not captured again since). */
  cardWiped?: boolean;
  /** Agent-assisted mode: the operator's leg and the bridge between the legs. */
  operator?: { leg: OperatorLeg; bridge: MediaBridge };
}

export class Vault {
  private readonly sessions = new Map<string, Entry>();
  /** Counters of closed sessions, so that metrics totals never go down. */
  private readonly closedTotals: SessionCounters = zeroCounters();
  /** Why recent sessions ended, so a late call gets a precise error. */
  readonly closedReasons = new Map<string, CloseReason>();
  private readonly watchers = new Map<string, Set<(event: SessionEvent) => void>>();
  private readonly closedBridges: BridgeCounters = { operatorLegs: 0, maskedSamples: 0, eventsDropped: 0 };

  constructor(private readonly deps: VaultDeps) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Open sessions whose media is SRTP. */
  get secureSessionCount(): number {
    let count = 0;
    for (const { session } of this.sessions.values()) if (session.secure) count++;
    return count;
  }

  async open(request: OpenSessionRequest): Promise<OpenedSession> {
    if (this.sessions.size >= this.deps.limits.maxSessions) throw new SessionLimitError('too many media sessions');
    const codec = request.offeredCodecs.find((c) => c === 'PCMU' || c === 'PCMA');
    if (!codec) throw new BadRequestError('no common codec: the vault speaks PCMU and PCMA');
    const eventPt = request.telephoneEventPayloadType ?? 101;
    if (!Number.isInteger(eventPt) || eventPt < 96 || eventPt > 127)
      throw new BadRequestError('telephone-event payload type must be dynamic (96-127)');
    const { protection, answerCrypto } = this.protection(request.offeredCrypto);
    let socket: MediaSocket;
    try {
      socket = await this.deps.ports.open();
    } catch (err) {
      protection.wipe();
      throw err;
    }
    const sessionId = randomUUID();
    const session = new MediaSession({
      id: sessionId,
      codec,
      telephoneEventPayloadType: eventPt,
      sdpPeer: request.sdpPeer,
      protection,
      now: this.deps.now,
      today: this.deps.today,
      send: (packet, peer) => socket.send(packet, peer),
    });
    socket.onDatagram((datagram, from) => {
      session.receive(datagram, from);
      datagram.fill(0); // the datagram may have carried a card digit
    });
    const entry: Entry = {
      session,
      socket,
      openedAt: this.deps.now(),
      onTick: () => this.tickSession(sessionId),
      plainDigits: new PlainDigitsGuard(this.deps.limits.plainDigits ?? DEFAULT_PLAIN_DIGITS_LIMITS),
    };
    this.sessions.set(sessionId, entry);
    this.deps.ticker.add(entry.onTick);
    return {
      sessionId,
      address: this.deps.advertisedAddress,
      port: socket.port,
      codec,
      telephoneEventPayloadType: eventPt,
      ...(answerCrypto ? { answerCrypto } : {}),
    };
  }

  /** Plain RTP without a=crypto; otherwise the SDES answer's leg, or SrtpRefusedError. */
  private protection(offered: readonly Uint8Array[] | undefined): {
    protection: RtpProtection;
    answerCrypto?: string;
  } {
    if (!offered || offered.length === 0) return { protection: PLAIN_RTP };
    const answer = answerSdes(offered);
    if (!answer.ok) throw new SrtpRefusedError(answer.refused);
    return { protection: answer.leg, answerCrypto: answer.attribute };
  }

  async play(sessionId: string, request: PlayRequest): Promise<PlayOutcome> {
    const { session, plainDigits } = this.entry(sessionId);
    if (request.ifIdle && session.playing) return 'stopped';
    const audio = this.audio(request.language, this.promptList(request));
    plainDigits.played(request.promptIds);
    return session.play(audio, request.bargeIn);
  }

  /** `cancelled`: the caller of this capture went away (see MediaSession.capture). */
  async capture(
    sessionId: string,
    request: CaptureRequest,
    onUpdate: (u: CaptureUpdate) => void,
    cancelled?: AbortSignal,
  ): Promise<CaptureOutcome> {
    const entry = this.entry(sessionId);
    const { session, plainDigits } = entry;
    const spec = this.fieldSpec(request, session.card.brand);
    const prompt = this.audio(request.language, request.promptIds);
    const retry = this.audio(request.language, request.retryPromptIds);
    if (spec.kind !== 'digits') {
      plainDigits.cardFieldStarted();
      const outcome = await session.capture(spec, prompt, retry, onUpdate, cancelled);
      if (outcome.status === 'completed') {
        entry.cardCapturedAt = this.deps.now();
        if (session.card.complete) entry.cardWiped = false;
      }
      return outcome;
    }
    // Plain digits leave in clear: the vault decides itself whether this question may be asked now.
    plainDigits.admit(request.promptIds, request.retryPromptIds, spec.maxLength);
    const outcome = await session.capture(spec, prompt, retry, onUpdate, cancelled);
    if (outcome.status === 'completed') plainDigits.spent(outcome.update.digitsEntered);
    return outcome;
  }

  /**
   * Registers the captured card at the PSP of the payment's account. PAN and security code are wiped as
   * soon as the PSP answers, whatever the answer (a retry means capturing them again).
   */
  async registerCard(
    sessionId: string,
    idempotencyKey: string,
    pspAccountId: string = DEFAULT_PSP_ACCOUNT_ID,
  ): Promise<RegisteredCard> {
    const entry = this.entry(sessionId);
    const { card } = entry.session;
    const { pan, expiry, securityCode, brand } = card;
    if (!pan || !expiry || !securityCode || !brand) {
      if (entry.cardWiped)
        throw new CardWipedError(
          `the captured card was wiped: not registered within ${this.cardTtlMs / 1000} s of its last field; capture it again`,
        );
      throw new CardIncompleteError('card number, expiry and security code must be captured first');
    }
    entry.registering = true;
    const masked = { brand, bin: pan.revealNonSecret(0, 6), last4: pan.revealNonSecret(pan.length - 4, pan.length) };
    const { month, year } = expiry;
    try {
      const tokenizer = await this.deps.tokenizers.forAccount(pspAccountId);
      const { token } = await tokenizer.tokenize(
        { pan, expiryMonth: month, expiryYear: year, securityCode },
        { idempotencyKey },
      );
      return { token, ...masked, expiryMonth: month, expiryYear: year };
    } finally {
      card.wipe();
      entry.registering = false;
      entry.cardCapturedAt = undefined;
    }
  }

  close(sessionId: string, reason: CloseReason): SessionCounters | undefined {
    const entry = this.sessions.get(sessionId);
    if (!entry) return undefined;
    this.sessions.delete(sessionId);
    this.closedReasons.set(sessionId, reason);
    if (this.closedReasons.size > 10_000) this.closedReasons.delete(this.closedReasons.keys().next().value as string);
    this.deps.ticker.remove(entry.onTick);
    entry.session.close();
    entry.socket.close(); // stops receiving, closes the socket, gives its port back
    if (entry.operator) this.endOperatorLeg(entry);
    const counters = { ...entry.session.counters };
    addCounters(this.closedTotals, counters);
    this.notify(sessionId, { type: 'session_ended', reason });
    this.watchers.delete(sessionId);
    return counters;
  }

  closeAll(reason: CloseReason): void {
    for (const id of [...this.sessions.keys()]) this.close(id, reason);
  }

  /** Counters summed over every session since start (metrics). */
  totals(): SessionCounters {
    const sum = { ...this.closedTotals };
    for (const { session } of this.sessions.values()) addCounters(sum, session.counters);
    return sum;
  }

  /** Counters of a live session (tests, metrics). */
  counters(sessionId: string): SessionCounters {
    return { ...this.entry(sessionId).session.counters };
  }

  /**
   * Opens the operator's leg of a session (agent-assisted mode): an RTP port for the offer of the call
   * to the operator, bridged with the caller's leg at once.
   */
  async openOperatorLeg(sessionId: string): Promise<OpenedOperatorLeg> {
    if (this.entry(sessionId).operator) throw new LegStateError('the session has an operator leg already');
    const socket = await this.deps.ports.open();
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.operator) {
      socket.close(); // the session ended, or another leg was opened, while the port was bound
      if (!entry) throw new SessionNotFoundError('media session ended');
      throw new LegStateError('the session has an operator leg already');
    }
    const bridge = new MediaBridge({ toOperator: (pcm, samples) => leg.send(pcm, samples), masker: this.deps.masking });
    const leg = new OperatorLeg(socket, {
      now: this.deps.now,
      onAudio: (pcm, samples) => bridge.fromOperator(pcm, samples),
    });
    entry.operator = { leg, bridge };
    entry.session.attachBridge(bridge);
    const { codec } = entry.session;
    return {
      address: this.deps.advertisedAddress,
      port: leg.port,
      codecs: [codec, codec === 'PCMU' ? 'PCMA' : 'PCMU'],
      telephoneEventPayloadType: 101,
    };
  }

  /** Where a leg's RTP is: the answer of the operator's call, or a re-INVITE of either leg. */
  setLegRemote(sessionId: string, leg: Leg, remote: LegRemote): void {
    const entry = this.entry(sessionId);
    if (leg === 'caller') entry.session.retarget(remote.peer);
    else this.operatorOf(entry).leg.setRemote(remote);
  }

  /** A leg's direction after an offer/answer: hold (sendonly, inactive) and back. */
  setLegDirection(sessionId: string, leg: Leg, direction: MediaDirection): void {
    const entry = this.entry(sessionId);
    const target = leg === 'caller' ? entry.session.direction : this.operatorOf(entry).leg.direction;
    target.set(direction, this.deps.now());
  }

  /** Ends the operator's leg; the caller's goes on alone (IVR only). Returns the leg's counters. */
  closeOperatorLeg(sessionId: string): { counters: SessionCounters; maskedSamples: number } {
    const entry = this.entry(sessionId);
    const { leg, bridge } = this.operatorOf(entry);
    this.endOperatorLeg(entry);
    this.notify(sessionId, { type: 'leg_ended', leg: 'operator', reason: 'closed' });
    return { counters: { ...leg.counters }, maskedSamples: bridge.stats.maskedSamples };
  }

  /** Calls `listener` with what happens to the session's legs until it ends; returns the unsubscribe. */
  watch(sessionId: string, listener: (event: SessionEvent) => void): () => void {
    this.entry(sessionId);
    let set = this.watchers.get(sessionId);
    if (!set) {
      set = new Set();
      this.watchers.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      this.watchers.get(sessionId)?.delete(listener);
    };
  }

  /** Operator legs open now, and the masking done since start (metrics). */
  bridgeTotals(): BridgeCounters {
    const sum = { ...this.closedBridges };
    for (const { operator } of this.sessions.values())
      if (operator) {
        sum.operatorLegs++;
        sum.maskedSamples += operator.bridge.stats.maskedSamples;
        sum.eventsDropped += operator.bridge.stats.eventsDropped;
      }
    return sum;
  }

  private operatorOf(entry: Entry): NonNullable<Entry['operator']> {
    if (!entry.operator) throw new LegStateError('the session has no operator leg');
    return entry.operator;
  }

  private endOperatorLeg(entry: Entry): void {
    const operator = entry.operator;
    if (!operator) return;
    entry.operator = undefined;
    entry.session.detachBridge();
    operator.leg.close();
    this.closedBridges.maskedSamples += operator.bridge.stats.maskedSamples;
    this.closedBridges.eventsDropped += operator.bridge.stats.eventsDropped;
  }

  private notify(sessionId: string, event: SessionEvent): void {
    for (const listener of this.watchers.get(sessionId) ?? []) {
      try {
        listener(event);
      } catch {
        // a watcher's failure is its own (its stream went away)
      }
    }
  }

  private tickSession(sessionId: string): void {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;
    const now = this.deps.now();
    const { limits } = this.deps;
    if (now - entry.openedAt > limits.maxSessionMs) {
      this.close(sessionId, 'expired');
      return;
    }
    if (entry.session.direction.silentFor(now, entry.session.lastPacketAt) > limits.rtpSilenceMs) {
      this.close(sessionId, 'rtp_silence');
      return;
    }
    this.wipeStaleCard(entry, now);
    entry.session.tick(now);
    const operator = entry.operator?.leg;
    if (operator && operator.direction.silentFor(now, operator.lastPacketAt) > limits.rtpSilenceMs) {
      this.endOperatorLeg(entry);
      this.notify(sessionId, { type: 'leg_ended', leg: 'operator', reason: 'rtp_silence' });
    }
  }

  private get cardTtlMs(): number {
    return this.deps.limits.cardTtlMs ?? DEFAULT_CARD_TTL_MS;
  }

  /** A card that waited too long for its registration is wiped; a late RegisterCard is told why. */
  private wipeStaleCard(entry: Entry, now: number): void {
    if (entry.cardCapturedAt === undefined || entry.registering || now - entry.cardCapturedAt <= this.cardTtlMs) return;
    entry.cardCapturedAt = undefined;
    entry.session.card.wipe();
    entry.cardWiped = true;
    entry.session.counters.cardsWipedUnregistered++;
  }

  private entry(sessionId: string): Entry {
    const entry = this.sessions.get(sessionId);
    if (entry) return entry;
    const reason = this.closedReasons.get(sessionId);
    throw new SessionNotFoundError(reason ? `media session ended (${reason})` : 'no such media session');
  }

  private promptList(request: PlayRequest): string[] {
    if (!request.amount) return request.promptIds;
    try {
      return [
        ...amountPrompts(request.amount.minorUnits, request.amount.currency, request.language),
        ...request.promptIds,
      ];
    } catch (err) {
      throw new BadRequestError((err as Error).message);
    }
  }

  private audio(language: Language, ids: string[]): Uint8Array[] {
    const unknown = ids.filter((id) => !this.deps.prompts.has(language, id));
    if (unknown.length) throw new BadRequestError(`unknown prompt ids for ${language}: ${unknown.join(', ')}`);
    return ids.map((id) => this.deps.prompts.get(language, id));
  }

  private fieldSpec(request: CaptureRequest, brand: CardBrand | undefined): FieldSpec {
    const timing = {
      firstDigitTimeoutMs: request.firstDigitTimeoutMs,
      interDigitTimeoutMs: request.interDigitTimeoutMs,
      maxAttempts: request.maxAttempts,
    };
    if (
      timing.firstDigitTimeoutMs <= 0 ||
      timing.interDigitTimeoutMs <= 0 ||
      timing.maxAttempts < 1 ||
      timing.maxAttempts > 10
    )
      throw new BadRequestError('timeouts must be positive and attempts between 1 and 10');
    if (request.kind !== 'digits') return cardFieldSpec(request.kind, timing, brand);
    const minLength = request.minLength ?? 1;
    const maxLength = request.maxLength ?? minLength;
    // Plain digits come back in clear, so they must be too short to be a card number (13+ digits).
    if (minLength < 1 || maxLength < minLength || maxLength > MAX_PLAIN_DIGITS)
      throw new BadRequestError(`digit field lengths must satisfy 1 <= min <= max <= ${MAX_PLAIN_DIGITS}`);
    return { kind: 'digits', minLength, maxLength, terminator: request.terminator, ...timing };
  }
}
