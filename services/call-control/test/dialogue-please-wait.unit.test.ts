// The result without waiting: the card's registration starts with its last key, "please wait" plays only
// when the result has not come within the bound, and the result prompt cuts it (the vault plays a new
// prompt in place of the one playing). Timers are held: time passes only when the test says so.
import { type DialogueStart, runDialogue } from '../src/dialogue';
import { CallerHungUp } from '../src/dialogue/errors';
import type { PlayRequest, Registration } from '../src/dialogue/ports';
import { CARD, completed, FakeVault, fakes, keyed, PAYMENT } from './support/dialogue-fakes';

const CALL = { callId: 'call-1', sessionId: 'media-1' };
const START: DialogueStart = { payment: PAYMENT, transferCode: '123456' };
const tick = () => new Promise((r) => setImmediate(r));

/** A clock whose sleeps end only when the test moves time on. */
class HeldClock {
  time = 0;
  private readonly pending: Array<{ until: number; wake: () => void }> = [];
  now = () => this.time;
  sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new CallerHungUp());
      const entry = { until: this.time + ms, wake: resolve };
      this.pending.push(entry);
      signal.addEventListener(
        'abort',
        () => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          reject(new CallerHungUp());
        },
        { once: true },
      );
    });
  get sleeping(): number[] {
    return this.pending.map((p) => p.until - this.time);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const p of this.pending.filter((x) => x.until <= this.time)) {
      this.pending.splice(this.pending.indexOf(p), 1);
      p.wake();
    }
  }
}

/**
 * The vault as it plays: a prompt plays until its audio ends (here: until the test ends it) or a new
 * prompt takes its place, which cuts it. Registration answers when the test says so.
 */
class PlayingVault extends FakeVault {
  /** What each play came to, by its first prompt: 'playing', 'completed', or 'cut by <prompt>'. */
  readonly outcomes = new Map<string, string>();
  /** Prompts that play for a while (the others end at once). */
  readonly long = new Set(['please-wait']);
  private playing: { id: string; end: () => void } | undefined;
  private answerRegistration: ((r: Registration) => void) | undefined;
  registrationAsked = 0;
  readonly order: string[] = [];

  override async play(sessionId: string, request: PlayRequest, signal: AbortSignal): Promise<void> {
    await super.play(sessionId, request, signal);
    const id = request.promptIds[0] ?? 'the amount';
    this.order.push(`play ${id}`);
    if (this.playing) {
      this.outcomes.set(this.playing.id, `cut by ${id}`);
      this.playing.end();
      this.playing = undefined;
    }
    if (!this.long.has(id)) {
      this.outcomes.set(id, 'completed');
      return;
    }
    this.outcomes.set(id, 'playing');
    await new Promise<void>((end) => {
      this.playing = { id, end };
    });
  }

  override registerCard(...args: Parameters<FakeVault['registerCard']>): Promise<Registration> {
    this.registrationAsked++;
    this.order.push('register');
    void super.registerCard(...args);
    return new Promise((resolve) => {
      this.answerRegistration = resolve;
    });
  }

  register(r: Registration = { kind: 'registered', card: CARD }): void {
    this.answerRegistration?.(r);
  }
}

function setup() {
  const f = fakes();
  const vault = new PlayingVault();
  vault
    .script('digits', keyed('1'))
    .script('card_number', completed(16, { brand: 'visa' }))
    .script('expiry', completed(4))
    .script('security_code', completed(3));
  const clock = new HeldClock();
  const hangup = new AbortController();
  const running = runDialogue({ ...f.deps, vault, clock }, CALL, hangup.signal, START);
  return { f, vault, clock, running };
}

/** Until the registration was asked for (the last key of the card is in). */
async function lastKeyIn(vault: PlayingVault): Promise<void> {
  for (let i = 0; i < 50 && vault.registrationAsked === 0; i++) await tick();
  expect(vault.registrationAsked).toBe(1);
}

test('a result within the bound is heard with no "please wait" before it', async () => {
  const { f, vault, clock, running } = setup();
  await lastKeyIn(vault);
  // The registration started at once; "please wait" waits for the bound.
  expect(clock.sleeping).toEqual([250]);
  vault.register();
  const end = await running;
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
  expect(f.authorization.requests).toHaveLength(1);
  expect(vault.promptsHeard).toEqual(['welcome', 'approved', 'transferring-back']);
  // The bound was let go with the result: nothing left to play it later.
  expect(clock.sleeping).toEqual([]);
});

test('past the bound "please wait" plays, and the result prompt cuts it the moment the result comes', async () => {
  const { f, vault, clock, running } = setup();
  await lastKeyIn(vault);
  clock.advance(249);
  await tick();
  expect(vault.promptsHeard).toEqual(['welcome']);
  clock.advance(1);
  await tick();
  expect(vault.outcomes.get('please-wait')).toBe('playing');
  // The PSP answers while "please wait" still plays: authorization follows at once, and the result cuts it.
  vault.register();
  const end = await running;
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
  expect(f.authorization.requests).toHaveLength(1);
  // "approved" and "transferring back" are one play.
  expect(vault.order).toEqual(['play welcome', 'play the amount', 'register', 'play please-wait', 'play approved']);
  expect(vault.outcomes.get('please-wait')).toBe('cut by approved');
});

test('a refused card cuts "please wait" too: the caller hears the failure at once', async () => {
  const { vault, clock, running } = setup();
  await lastKeyIn(vault);
  clock.advance(250);
  await tick();
  vault.register({ kind: 'failed', failure: 'declined' });
  const end = await running;
  expect(end.reason).toBe('CARD_REJECTED');
  expect(vault.outcomes.get('please-wait')).toBe('cut by payment-failed');
});
