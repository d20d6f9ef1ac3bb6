/**
 * What a paying caller does on the keypad, paced by the dialogue as seen on ivr.calls.v1: the
 * vault takes keys only while it captures a field, so each field is keyed once its step began.
 * Shared by the e2e tests and `make demo`.
 */
import type { EventEnvelope } from '@ivr/contracts';
import { type BaresipOptions, BaresipPhone } from './baresip';
import type { CreatedPayment, PaymentSystem } from './payment-system';
import { waitUntil } from './service-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The callers' phones of a test file: each test starts its own, and an afterEach stops them all
 * (a caller's phone keeps the transferred call to the operator up; baresip takes four calls at most).
 */
export class CallerPhones {
  private readonly phones: BaresipPhone[] = [];

  constructor(private readonly namePrefix: string) {}

  /** A caller's phone; `options` as BaresipPhone.start's (e.g. `mediaenc: 'srtp-mand'`). */
  async start(options: Omit<BaresipOptions, 'name'> = {}): Promise<BaresipPhone> {
    const phone = await BaresipPhone.start({ ...options, name: `${this.namePrefix}${this.phones.length}` });
    this.phones.push(phone);
    return phone;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.phones.splice(0).map((p) => p.stop()));
  }
}
export const payloadOf = (e: EventEnvelope) => e.payload as Record<string, unknown>;

export async function dialIn(system: PaymentSystem, phone: BaresipPhone, user: string): Promise<void> {
  await phone.dial(system.ivrUri(user));
  await phone.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 20_000 });
}

/** How a caller presses keys: RFC 4733 events by default, `phone.sendTones` for in-band DTMF. */
export type KeyPad = (digits: string) => Promise<void>;

/** The amount is read back first (keys then are dropped): press 1 until the card number is asked for. */
export async function confirmAmount(
  system: PaymentSystem,
  phone: BaresipPhone,
  p: CreatedPayment,
  press: KeyPad = (d) => phone.sendDigits(d),
): Promise<void> {
  const step = (s: string) =>
    system.watcher.find(
      (e) => e.type === 'CallStepEntered' && payloadOf(e).paymentId === p.paymentId && payloadOf(e).step === s,
    );
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'AMOUNT_CONFIRMATION' });
  await waitUntil(
    'the card number step',
    async () => {
      if (step('CARD_NUMBER')) return true;
      await press('1');
      await sleep(1500);
      return step('CARD_NUMBER') !== undefined;
    },
    60_000,
  );
  // A late '1' may land in the card number: the caller starts the field again with '*'.
  await sleep(800);
}

/** Card number (ended by #), expiry MMYY and security code (both end by their length). */
export async function keyCard(
  system: PaymentSystem,
  phone: BaresipPhone,
  p: CreatedPayment,
  card: { pan: string; expiry: string; securityCode: string },
  press: KeyPad = (d) => phone.sendDigits(d),
): Promise<void> {
  await press(`*${card.pan}#`);
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'EXPIRY' });
  await press(card.expiry);
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'SECURITY_CODE' });
  await press(card.securityCode);
}

/** Stripe's published approve card, for `make demo` (card numbers live only in test code). */
export const DEMO_CARD = { pan: '4242424242424242', expiry: '1234', securityCode: '123' } as const;
