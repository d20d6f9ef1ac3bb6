// One complete payment call as a phone places it: payment created over order-link's API, INVITE
// with the transfer code, amount confirmed with 1, card number, expiry and security code keyed as
// RFC 4733 events, the result prompt heard, the REFER accepted and the BYE answered.

import type { CreatedPayment, PaymentSystem } from '@ivr/testkit/payment-system';
import { APPROVED_TEST_PAN } from '../../test/fixtures/test-cards';
import { RtpLeg } from './rtp-leg';
import type { Dialog, SipUac } from './sip-uac';
import type { StepWatch } from './step-watch';

/** Stripe's published approve card; the benchmark keys it, it appears nowhere else. */
const CARD = { pan: APPROVED_TEST_PAN, securityCode: '123' };
const nextYearExpiry = () => `12${String((new Date().getUTCFullYear() + 1) % 100).padStart(2, '0')}`;

export interface CallPacing {
  toneMs: number;
  gapMs: number;
  /** Awaited once the card number prompt began, before keying it: the concurrency hold parks calls here. */
  beforeCardNumber?: () => Promise<void>;
}

export interface CallResult {
  ok: boolean;
  failure?: string;
  outcome?: string;
  /** Last keypress → first packet of the result prompt, ms. */
  toResultMs?: number;
  /** Last keypress → first audible packet (the "please wait" prompt), ms. */
  toFirstAudioMs?: number;
  /** INVITE sent → 200 OK received, ms. */
  setupMs?: number;
  /** Last keypress → the IVR's REFER received (the result prompt and "transferring back" play between), ms. */
  toReferMs?: number;
  /** 200 OK → the call's end, ms: how long the vault's media ran for it (call-seconds). */
  upMs?: number;
}

export interface CallContext {
  system: PaymentSystem;
  uac: SipUac;
  watch: StepWatch;
  heads: Map<string, string>;
  onEstablished: () => void;
  onEnded: () => void;
  /** How the call's payment is created; default one POST /v1/payments (the chaos run retries it). */
  createPayment?: () => Promise<CreatedPayment>;
}

const sdpOffer = (port: number) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=bench',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');

/**
 * The step's event on Kafka can overtake the vault's capture; its prompt plays only once the capture
 * runs (and takes keys as barge-in), so key when that prompt is heard (or soon after, if it was
 * already over when the step was seen).
 */
const fieldPromptPlaying = (leg: RtpLeg) => leg.nextAudio(3000);

/** "fetch failed" says little: name its cause (e.g. ECONNRESET) too. */
export function describeFailure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e.message);
}

export async function placePaymentCall(ctx: CallContext, callId: string, pacing: CallPacing): Promise<CallResult> {
  const { system, uac, watch } = ctx;
  const payment = await (ctx.createPayment?.() ??
    system.createPayment({ amount: 1200, currency: 'JPY', returnSipAddress: 'sip:operator@127.0.0.1:5999' }));
  watch.follow(payment.paymentId);
  const media = await RtpLeg.open(ctx.heads);
  let leg: RtpLeg | undefined;
  let dialog: Dialog | undefined;
  let hungUpByIvr = false;
  let referred = false;
  let referredAt = 0;
  let resolveBye: () => void = () => {};
  const bye = new Promise<void>((r) => {
    resolveBye = () => {
      hungUpByIvr = true;
      r();
    };
  });
  let answeredAt: number | undefined;
  const up = () => (answeredAt === undefined ? {} : { upMs: performance.now() - answeredAt });
  const fail = (failure: string): CallResult => ({ ok: false, failure, ...up() });
  try {
    const inviteAt = performance.now();
    dialog = await uac.invite(callId, payment.transferCode, sdpOffer(media.port), {
      onRefer: () => {
        referred = true;
        referredAt = performance.now();
      },
      onBye: () => resolveBye(),
    });
    answeredAt = performance.now();
    const setupMs = answeredAt - inviteAt;
    ctx.onEstablished();
    leg = media.connect(dialog.answerSdp);
    const id = payment.paymentId;
    if (!(await watch.step(id, 'AMOUNT_CONFIRMATION', 20_000))) return fail('no amount confirmation');
    // The read-back takes no keys: press 1 once the prompts fall quiet, again if the step stays.
    for (let attempt = 0; !watch.hasStep(id, 'CARD_NUMBER'); attempt++) {
      if (attempt === 4) return fail('amount not confirmed');
      await leg.quiet(300, 15_000);
      await leg.key('1', pacing.toneMs, pacing.gapMs);
      await watch.step(id, 'CARD_NUMBER', 2500);
    }
    await pacing.beforeCardNumber?.();
    await fieldPromptPlaying(leg);
    await leg.key(`*${CARD.pan}#`, pacing.toneMs, pacing.gapMs);
    if (!(await watch.step(id, 'EXPIRY', 15_000))) return fail('card number not taken');
    await fieldPromptPlaying(leg);
    await leg.key(nextYearExpiry(), pacing.toneMs, pacing.gapMs);
    if (!(await watch.step(id, 'SECURITY_CODE', 15_000))) return fail('expiry not taken');
    await fieldPromptPlaying(leg);
    const lastKey = await leg.key(CARD.securityCode, pacing.toneMs, pacing.gapMs, true);
    const outcome = await watch.outcome(id, 30_000);
    await Promise.race([bye, new Promise((r) => setTimeout(r, 15_000))]);
    const result: CallResult = {
      ok: outcome === 'APPROVED' && referred && leg.resultPrompt?.id === 'approved',
      ...(outcome ? { outcome } : {}),
      setupMs,
      ...(referred ? { toReferMs: referredAt - lastKey } : {}),
      ...(leg.resultPrompt ? { toResultMs: leg.resultPrompt.at - lastKey } : {}),
      ...(leg.audioAfterMark ? { toFirstAudioMs: leg.audioAfterMark - lastKey } : {}),
      ...up(),
    };
    if (!result.ok)
      result.failure = `outcome ${outcome ?? 'none'}, referred ${referred}, prompt ${leg.resultPrompt?.id ?? 'none'}, steps ${watch.stepsOf(id).join('>')}`;
    return result;
  } catch (err) {
    return fail(describeFailure(err));
  } finally {
    if (dialog) {
      // A caller who gave up (or was never sent a BYE) hangs up, as a phone would.
      if (!hungUpByIvr) uac.hangUp(dialog);
      ctx.onEnded();
    }
    uac.forget(callId);
    watch.forget(payment.paymentId);
    if (leg) leg.close();
    else media.close();
  }
}
