// A session's capture: runs one field capture at a time on the keys intake hears, plays its prompt
// and re-prompts through playout (a key cuts a barge-in prompt short), and hands the digits of a
// completed card field to the session's CardHolder. What it no longer needs it wipes.
import type { DtmfKey } from '@ivr/media';
import { type CaptureUpdate, FieldCapture, type FieldKind, type FieldSpec } from '../capture/field-capture';
import type { CardHolder } from './card-holder';
import type { Playout } from './playout';
import type { SessionCounters } from './session-counters';

export type CaptureOutcome =
  | { status: 'completed'; update: Extract<CaptureUpdate, { type: 'completed' }> }
  | { status: 'failed' }
  | { status: 'closed' };

export class SessionBusyError extends Error {}

interface ActiveCapture {
  capture: FieldCapture;
  onUpdate: (update: CaptureUpdate) => void;
  retryPrompt: Uint8Array[];
  done: (outcome: CaptureOutcome) => void;
}

export interface CaptureDeps {
  playout: Playout;
  card: CardHolder;
  counters: SessionCounters;
  now: () => number;
  today: () => Date;
  /** The kind of field being captured from now on, or undefined when none is (a bridge masks card fields). */
  onField?: (kind: FieldKind | undefined) => void;
}

export class Capture {
  private active: ActiveCapture | undefined;

  constructor(private readonly deps: CaptureDeps) {}

  /**
   * Captures one field. The prompt plays first (keys cut it short); the first-digit timer starts when
   * it ends. Updates are masked; the digits of a completed card field go to the card holder.
   * `cancelled` abandons this capture (its caller went away; the digits so far are wiped) and never a
   * later one: a cancel that arrives after the capture ended must not end the next field's.
   */
  start(
    spec: FieldSpec,
    prompt: Uint8Array[],
    retryPrompt: Uint8Array[],
    onUpdate: (update: CaptureUpdate) => void,
    cancelled?: AbortSignal,
  ): Promise<CaptureOutcome> {
    if (this.active) return Promise.reject(new SessionBusyError('a field capture is already running in this session'));
    const capture = new FieldCapture(spec, this.deps.today);
    return new Promise((resolve) => {
      const active: ActiveCapture = { capture, onUpdate, retryPrompt, done: resolve };
      this.active = active;
      this.deps.onField?.(spec.kind);
      cancelled?.addEventListener(
        'abort',
        () => {
          if (this.active !== active) return;
          this.deps.playout.stop('stopped');
          this.finish(active, { status: 'closed' });
        },
        { once: true },
      );
      this.promptThenArm(active, prompt);
    });
  }

  /** A key press from intake. */
  key(key: DtmfKey, now: number): void {
    this.deps.counters.keys++;
    const active = this.active;
    if (!active) {
      this.deps.counters.keysWithoutCapture++;
      return;
    }
    if (this.deps.playout.bargeIn) this.deps.playout.stop('interrupted');
    this.apply(active, active.capture.key(key, now));
  }

  /** The capture's timers (first digit, between digits). */
  tick(now: number): void {
    const active = this.active;
    if (!active) return;
    // Nothing is due on most ticks: no call, no empty list of updates, 50 times a second per session.
    const deadline = active.capture.nextDeadline;
    if (deadline === undefined || now < deadline) return;
    this.apply(active, active.capture.tick(now));
  }

  /** Ends the running capture, if any, as closed and wipes its digits. */
  close(): void {
    const active = this.active;
    this.active = undefined;
    if (active) this.deps.onField?.(undefined);
    active?.capture.wipe();
    active?.done({ status: 'closed' });
  }

  private promptThenArm(active: ActiveCapture, prompt: Uint8Array[]): void {
    if (prompt.length === 0) {
      active.capture.arm(this.deps.now());
      return;
    }
    void this.deps.playout.play(prompt, true).then(() => {
      if (this.active === active) active.capture.arm(this.deps.now());
    });
  }

  private apply(active: ActiveCapture, updates: CaptureUpdate[]): void {
    for (const update of updates) {
      active.onUpdate(update);
      if (update.type === 'completed') {
        this.storeCompleted(active.capture);
        this.finish(active, { status: 'completed', update });
        return;
      }
      if (update.type === 'failed') {
        this.finish(active, { status: 'failed' });
        return;
      }
      if (update.type === 'invalid' || update.type === 'timed_out') this.promptThenArm(active, active.retryPrompt);
    }
  }

  private storeCompleted(capture: FieldCapture): void {
    const details = capture.completedDetails;
    const { card } = this.deps;
    switch (capture.spec.kind) {
      case 'card_number':
        if (details.brand) card.setPan(capture.takeSecret(), details.brand);
        break;
      case 'expiry':
        if (details.month !== undefined && details.year !== undefined)
          card.setExpiry(capture.takeSecret(), details.month, details.year);
        break;
      case 'security_code':
        card.setSecurityCode(capture.takeSecret());
        break;
      default:
        capture.wipe();
    }
  }

  private finish(active: ActiveCapture, outcome: CaptureOutcome): void {
    if (this.active === active) {
      this.active = undefined;
      this.deps.onField?.(undefined);
    }
    // The in-band detector is not reset here: a tone still sounding would be reported again. Its
    // 20 ms window is overwritten by the next packets and zeroed on close.
    active.capture.wipe();
    active.done(outcome);
  }
}
