// The audio of an agent-assisted call: the caller's leg and the operator's leg relayed to each other,
// the IVR's prompts heard on both, and the caller's keypad tones kept from the operator while a card
// field is captured. Pure PCM in, PCM out: the vault decodes what arrives and encodes what leaves.
//
// Caller → operator: every frame the caller sends goes through the DtmfMasker (a constant 40 ms
// look-ahead, masking armed during card fields), gets the prompt audio mixed in, and leaves at once,
// driven by the caller's own packets, so the bridge adds the look-ahead and nothing else. While the
// caller sends no audio (hold, silence suppression, keys sent as RFC 4733 events only), the 20 ms
// ticker carries the operator's side instead: the masker's buffered audio flushed out, and the prompts.
// The caller's RFC 4733 events are never relayed; while masking, each one also masks what is buffered.
//
// Operator → caller: the operator's audio is queued and mixed into the caller's next 20 ms frame (the
// prompt, or silence) by the caller's playout. Nothing of it reaches a capture: the vault detects keys
// on the caller's leg only.
import { DtmfMasker, type DtmfMaskerOptions } from './dtmf-masker';
import { SampleQueue } from './sample-queue';

const FRAME = 160;
/**
 * Caller audio missing this long: the ticker carries the operator's side. Longer than the jitter and
 * the event-loop stalls seen under load (the ticker may run before packets queued during a stall are
 * read, and each frame it sends then lengthens the operator's timeline), shorter than any hold or
 * RFC 4733 key press.
 */
const CALLER_GAP_MS = 100;
/** How long an RFC 4733 packet masks the audio after it (events repeat every 50 ms or faster). */
const EVENT_MASK_MS = 60;

export interface MediaBridgeOptions {
  /** Sends audio toward the operator (the vault encodes and packetizes it). */
  toOperator: (pcm: Int16Array, samples: number) => void;
  masker?: Partial<DtmfMaskerOptions>;
}

export interface BridgeStats {
  /** Caller audio replaced by the masking fill, in samples (8 per ms). */
  maskedSamples: number;
  /** The caller's RFC 4733 packets, none of them relayed. */
  eventsDropped: number;
  /** Frames sent to the operator on the ticker's clock because the caller sent no audio. */
  tickerFrames: number;
}

export class MediaBridge {
  readonly stats: BridgeStats = { maskedSamples: 0, eventsDropped: 0, tickerFrames: 0 };
  private readonly masker: DtmfMasker;
  /** Prompt audio toward the operator, from the caller's playout clock to the caller's packet clock. */
  private readonly prompts = new SampleQueue(3 * FRAME);
  /** The operator's audio toward the caller, from the operator's packets to the caller's playout. */
  private readonly operator = new SampleQueue(6 * FRAME);
  private out = new Int16Array(3 * FRAME);
  private readonly silence = new Int16Array(FRAME);
  private lastCallerAudioAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: MediaBridgeOptions) {
    this.masker = new DtmfMasker(options.masker);
  }

  /** The delay caller → operator, in ms: the masker's look-ahead. */
  get delayMs(): number {
    return this.masker.delaySamples / 8;
  }

  /** Whether the caller's tones are being masked (a card field, or the release after one). */
  get masking(): boolean {
    return this.masker.masking;
  }

  /** A card field's capture starts (true) or ends (false: masking is released once the tones stop). */
  cardField(active: boolean): void {
    this.masker.setActive(active);
  }

  /** A decoded frame of the caller's audio: masked if need be, prompts mixed in, sent to the operator. */
  fromCaller(pcm: Int16Array, samples: number, now: number): void {
    this.lastCallerAudioAt = now;
    this.relay(pcm, samples);
  }

  /** An RFC 4733 packet from the caller: dropped; while masking, it masks the audio around it too. */
  callerTelephoneEvent(): void {
    this.stats.eventsDropped++;
    if (this.masker.masking) this.masker.forceMask(EVENT_MASK_MS);
  }

  /** A decoded frame of the operator's audio, for the caller's next frames. */
  fromOperator(pcm: Int16Array, samples: number): void {
    this.operator.push(pcm, samples);
  }

  /**
   * The caller's next 20 ms as PCM (the prompt playing, or silence): a prompt is queued for the operator
   * too, and the operator's audio is mixed into the frame. Returns whether the frame changed.
   */
  towardCaller(frame: Int16Array, prompt: boolean): boolean {
    if (prompt) this.prompts.push(frame, frame.length);
    return this.operator.mixInto(frame, frame.length) > 0;
  }

  /** Every 20 ms: if the caller has sent no audio for 100 ms, the operator's side goes on without it. */
  tick(now: number): void {
    if (now - this.lastCallerAudioAt < CALLER_GAP_MS) return;
    this.stats.tickerFrames++;
    this.relay(this.silence, FRAME);
  }

  /** Overwrites everything buffered (the masker's look-ahead held the caller's audio). */
  wipe(): void {
    this.masker.wipe();
    this.prompts.clear();
    this.operator.clear();
    this.out.fill(0);
  }

  private relay(pcm: Int16Array, samples: number): void {
    if (this.out.length < samples) this.out = new Int16Array(samples);
    const { out } = this;
    const before = this.masker.stats.maskedSamples;
    this.masker.process(pcm, out, samples);
    this.stats.maskedSamples += this.masker.stats.maskedSamples - before;
    this.prompts.mixInto(out, samples);
    this.options.toOperator(out, samples);
    out.fill(0, 0, samples);
  }
}
