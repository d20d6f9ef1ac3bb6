import { isDialogueStep, isPaymentOutcome } from '@ivr/contracts/vocabulary';
import { call, type Payment, type TimelineEntry } from '../api';
import { brandName, dateTime, money } from '../format';
import { h, mount } from '../h';
import { t } from '../i18n';
import { dots, foldProgress, type Progress, type ProgressEvent, STEP_OF_DIALOGUE, STEPS } from '../progress';
import { transferTarget } from '../transfer-target';
import { actionButton, dataTable, factRow as row } from './controls';
import { type Ctx, messageArea, reportError } from './ctx';
import { type PaymentActions, renderLifecycle } from './payment-lifecycle';

interface Detail {
  payment: Payment;
  timeline: TimelineEntry[];
}

interface LiveUpdate {
  eventId: string;
  type: string;
  paymentId: string;
  at: string;
  data: Record<string, unknown>;
}

export function paymentDetail(main: HTMLElement, ctx: Ctx, paymentId: string): void {
  const tx = t();
  const message = messageArea();
  const summary = h('section', { class: 'card', 'aria-labelledby': 'summary-h' });
  const transfer = h('section', { class: 'card transfer', 'aria-labelledby': 'transfer-h', hidden: true });
  const progress = h('section', { class: 'card', 'aria-labelledby': 'progress-h' });
  const assisted = h('section', { class: 'card assisted', 'aria-labelledby': 'assisted-h', hidden: true });
  const timeline = h('section', { class: 'card', 'aria-labelledby': 'timeline-h' });
  const lifecycle = h('section', { class: 'card', 'aria-labelledby': 'lifecycle-h', hidden: true });
  const liveState = h('p', { class: 'live-state', role: 'status' }, tx.liveConnecting);
  const announce = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const heading = h('h1', null, tx.detailTitle);
  mount(
    main,
    heading,
    message.el,
    h('div', { class: 'columns' }, h('div', null, transfer, assisted, progress), h('div', null, summary, lifecycle)),
    timeline,
  );

  let detail: Detail | null = null;
  const live: ProgressEvent[] = [];
  const seen = new Set<string>();

  const renderAll = () => {
    if (!detail) return;
    const p = detail.payment;
    heading.textContent = `${tx.detailTitle} ${p.orderId}`;
    const actions = { ctx, message, reload: load };
    renderSummary(summary, p, actions);
    renderLifecycle(lifecycle, p, actions);
    renderTransfer(transfer, p, ctx.session.ivrSipAddress);
    const state = foldProgress([...detail.timeline.map((e) => ({ type: e.type, data: e.data })), ...live]);
    renderAssisted(assisted, p, state, actions);
    renderProgress(progress, p, state, liveState);
    renderTimeline(timeline, detail.timeline);
  };

  let loads = 0;
  async function load(): Promise<void> {
    try {
      const refresh = loads++ > 0 ? '?refresh=1' : '';
      detail = await call<Detail>('GET', `/payments/${encodeURIComponent(paymentId)}${refresh}`);
      renderAll();
    } catch (err) {
      reportError(ctx, message, err);
    }
  }

  // Live progress: the server relays this operator's stream with card data already removed.
  const source = new EventSource('/console/api/live');
  ctx.onLeave(() => source.close());
  source.addEventListener('ready', () => {
    liveState.textContent = tx.liveConnected;
    liveState.className = 'live-state connected';
    // Anything that happened while disconnected is in the payment's own history.
    void load();
  });
  source.addEventListener('error', () => {
    liveState.textContent = tx.liveConnecting;
    liveState.className = 'live-state';
  });
  source.addEventListener('live', (e) => {
    const u = JSON.parse((e as MessageEvent<string>).data) as LiveUpdate;
    if (u.paymentId !== paymentId || seen.has(u.eventId)) return;
    seen.add(u.eventId);
    live.push({ type: u.type, data: u.data });
    renderAll();
    const text = describe(u);
    if (text) announce.textContent = text;
    if (u.type.startsWith('Payment')) void load();
  });
  main.append(announce);
  void load();
}

function describe(u: LiveUpdate): string {
  const tx = t();
  if (u.type === 'CallStepEntered') {
    // The amount confirmation is part of the greeting, already announced.
    if (!isDialogueStep(u.data.step) || u.data.step === 'AMOUNT_CONFIRMATION') return '';
    return tx.steps[STEP_OF_DIALOGUE[u.data.step]];
  }
  if (u.type === 'OperatorLegAnswered') return tx.operatorStates.joined;
  if (u.type === 'OperatorLegFailed') return tx.operatorStates.unavailable;
  if (u.type === 'PaymentApproved') return tx.approved;
  if (u.type === 'PaymentDeclined') return tx.declined;
  return '';
}

function renderSummary(el: HTMLElement, p: Payment, { ctx, message, reload }: PaymentActions): void {
  const tx = t();
  mount(
    el,
    h('h2', { id: 'summary-h' }, tx.details),
    h(
      'dl',
      { class: 'facts' },
      row(tx.status, h('span', { class: `badge s-${p.status.toLowerCase()}` }, tx.statuses[p.status] ?? p.status)),
      row(tx.amount, money(p.amount, p.currency)),
      row(tx.orderId, p.orderId),
      row(tx.orderSystem, p.orderSystem),
      row(tx.merchant, p.pspAccountId === 'default' ? tx.defaultPspAccount : p.pspAccountId),
      p.result?.pspDeclineCode || p.result?.pspCode
        ? row(tx.pspCodes, [p.result.pspCode, p.result.pspDeclineCode].filter(Boolean).join(' / '))
        : null,
      row(tx.mode, tx.modes[p.mode as keyof typeof tx.modes] ?? p.mode),
      row(tx.callerLanguage, tx.languages[p.language]),
      row(tx.callMode, tx.callModes[p.callMode]),
      p.description ? row(tx.description, p.description) : null,
      row(tx.operator, p.operatorName ?? '—'),
      row(tx.created, dateTime(p.createdAt)),
      p.card?.brand
        ? row(
            tx.card,
            `${brandName(p.card.brand)} ${p.card.expiryMonth ? `${String(p.card.expiryMonth).padStart(2, '0')}/${p.card.expiryYear}` : ''}`,
          )
        : null,
    ),
    p.status === 'REQUESTED'
      ? actionButton(
          ctx,
          message,
          tx.cancel,
          async () => {
            if (!window.confirm(tx.cancelConfirm)) return;
            await call('POST', `/payments/${encodeURIComponent(p.paymentId)}/cancel`, {});
            await reload();
          },
          { class: 'danger' },
        )
      : null,
  );
}

/**
 * Agent-assisted, while the caller is in the IVR: whether the operator is on the call, and the two things
 * they may ask of the IVR from here ("let's enter it again", cancel), with what became of the last one.
 */
function renderAssisted(el: HTMLElement, p: Payment, s: Progress, { ctx, message, reload }: PaymentActions): void {
  const tx = t();
  el.hidden = p.callMode !== 'AGENT_ASSISTED' || (p.status !== 'IN_IVR' && !s.operator);
  if (el.hidden) return;
  const ask = (path: string, confirm?: string) => async () => {
    if (confirm && !window.confirm(confirm)) return;
    await call('POST', `/payments/${encodeURIComponent(p.paymentId)}/${path}`, {});
    await reload();
  };
  const inIvr = p.status === 'IN_IVR';
  const r = s.request;
  const answer = !r
    ? null
    : r.request === 'CANCEL'
      ? r.outcome === 'DONE'
        ? tx.requestOutcomes.cancelDone
        : tx.requestOutcomes.cancelLate
      : r.outcome === 'DONE'
        ? tx.requestOutcomes.restartDone(tx.fieldNames[r.field ?? ''] ?? r.field ?? '')
        : r.outcome === 'TOO_LATE'
          ? tx.requestOutcomes.restartLate
          : tx.requestOutcomes.restartNothing;
  mount(
    el,
    h('h2', { id: 'assisted-h' }, tx.assistedTitle),
    h('p', { 'data-testid': 'operator-state' }, tx.operatorStates[s.operator?.state ?? 'calling']),
    inIvr && p.cancellationRequested ? h('p', { class: 'muted' }, tx.cancellationAsked) : null,
    answer ? h('p', { role: 'status', 'data-testid': 'request-outcome' }, answer) : null,
    inIvr && !p.cancellationRequested
      ? h(
          'div',
          { class: 'inline' },
          actionButton(ctx, message, tx.restartField, ask('restart-field'), { class: null }),
          actionButton(ctx, message, tx.cancelAssisted, ask('cancel', tx.cancelAssistedConfirm), { class: 'danger' }),
        )
      : null,
    inIvr ? h('p', { class: 'muted' }, tx.restartHint) : null,
  );
}

function renderTransfer(el: HTMLElement, p: Payment, ivrSip: string): void {
  const tx = t();
  el.hidden = p.status !== 'REQUESTED';
  if (el.hidden) return;
  const target = transferTarget(ivrSip, p.transferCode);
  const copy = h('button', { type: 'button', class: 'copy', 'data-testid': 'copy-transfer-target' }, tx.copy);
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(target).then(() => {
      copy.textContent = tx.copied;
    });
  });
  mount(
    el,
    h('h2', { id: 'transfer-h' }, tx.transferTitle),
    h('p', { class: 'instruction' }, tx.transferInstruction(target)),
    h(
      'dl',
      { class: 'facts big' },
      h('dt', null, tx.transferTarget),
      h('dd', { class: 'mono' }, h('span', { 'data-testid': 'transfer-target' }, target), ' ', copy),
      h('dt', null, tx.transferCode),
      h('dd', { class: 'code', 'data-testid': 'transfer-code' }, p.transferCode),
      h('dt', null, tx.expiresAt),
      h('dd', null, dateTime(p.transferCodeExpiresAt)),
    ),
    h('p', { class: 'muted' }, tx.keyedInstruction(ivrSip, p.transferCode)),
  );
}

function renderProgress(el: HTMLElement, p: Payment, s: Progress, liveState: HTMLElement): void {
  const tx = t();
  const items = STEPS.map((step) => {
    const status = s.steps[step];
    const field = step === 'cardNumber' || step === 'expiry' || step === 'securityCode' ? s.fields[step] : undefined;
    const extra: (string | Node | null)[] = [];
    if (field) {
      extra.push(h('span', { class: 'dots', 'aria-label': tx.digits(field.digitsEntered) }, dots(field.digitsEntered)));
      extra.push(h('span', { class: 'muted' }, tx.digits(field.digitsEntered)));
      if (step === 'cardNumber' && (field.brand ?? s.brand))
        extra.push(h('span', { class: 'pill' }, brandName(field.brand ?? s.brand)));
      if (field.valid === true) extra.push(h('span', { class: 'pill ok' }, tx.valid));
      if (field.valid === false)
        extra.push(
          h(
            'span',
            { class: 'pill bad' },
            `${tx.invalid}${field.invalidReason ? `: ${tx.invalidReasons[field.invalidReason] ?? field.invalidReason}` : ''}`,
          ),
          field.attemptsLeft !== undefined ? h('span', { class: 'muted' }, tx.attemptsLeft(field.attemptsLeft)) : null,
        );
    }
    if (step === 'cardNumber' && !field && s.brand) extra.push(h('span', { class: 'pill' }, brandName(s.brand)));
    if (step === 'returned' && s.endReason)
      extra.push(h('span', { class: 'muted' }, t().endReasons[s.endReason] ?? s.endReason));
    return h(
      'li',
      { class: `step ${status}`, 'data-step': step, 'data-status': status },
      h(
        'span',
        { class: 'mark', 'aria-hidden': 'true' },
        { pending: '○', active: '◐', done: '●', failed: '✕' }[status],
      ),
      h('span', { class: 'label' }, tx.steps[step]),
      h('span', { class: 'visually-hidden' }, `: ${tx.stepState[status]}`),
      h('span', { class: 'extra' }, extra),
    );
  });
  mount(
    el,
    h('h2', { id: 'progress-h' }, tx.progressTitle),
    isPaymentOutcome(p.status) ? null : liveState,
    h('ol', { class: 'steps' }, items),
    outcome(s, p),
  );
}

function outcome(s: Progress, p: Payment): HTMLElement | null {
  const tx = t();
  const kind = s.outcome?.kind ?? (p.result?.outcome as string | undefined);
  if (kind === 'APPROVED') {
    const code = s.outcome?.code || p.result?.authorizationCode || '';
    return h(
      'div',
      { class: 'result ok', 'data-testid': 'result' },
      h('strong', null, tx.approved),
      code ? h('p', null, `${tx.authorizationCode}: `, h('span', { class: 'mono code-sm' }, code)) : null,
    );
  }
  if (kind === 'DECLINED') {
    const reason = s.outcome?.reason || p.result?.reason || 'GENERIC_DECLINE';
    return h(
      'div',
      { class: 'result bad', 'data-testid': 'result' },
      h('strong', null, tx.declined),
      h('p', null, tx.sayToCaller),
      h('blockquote', null, tx.declineReasons[reason] ?? tx.declineReasons.GENERIC_DECLINE),
    );
  }
  if (kind === 'FAILED')
    return h(
      'div',
      { class: 'result bad', 'data-testid': 'result' },
      h('strong', null, tx.statuses.FAILED),
      h('p', null, tx.failedOutcome),
    );
  if (kind && kind !== 'IN_IVR')
    return h('div', { class: 'result', 'data-testid': 'result' }, h('strong', null, tx.statuses[kind] ?? kind));
  return null;
}

function renderTimeline(el: HTMLElement, entries: TimelineEntry[]): void {
  const tx = t();
  const details = (d: Record<string, unknown>) =>
    Object.entries(d)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  mount(
    el,
    h('h2', { id: 'timeline-h' }, tx.timeline),
    dataTable([tx.time, tx.event, tx.actor, tx.details], entries, (e) => [
      h('td', { class: 'nowrap' }, dateTime(e.at)),
      h('td', null, e.type),
      h('td', null, e.actor ?? ''),
      h('td', { class: 'wrap' }, details(e.data)),
    ]),
  );
}
