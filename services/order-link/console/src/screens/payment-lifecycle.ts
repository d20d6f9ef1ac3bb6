// A payment's captures, voids and refunds on its detail screen (payment-detail.ts).
import { call, type Payment, type PaymentOperation } from '../api';
import { dateTime, money } from '../format';
import { h, mount } from '../h';
import { t } from '../i18n';
import { actionButton, dataTable, onSubmit, factRow as row } from './controls';
import { type Ctx, field } from './ctx';

/** What a part of the payment screen that acts needs: the shell, where a failure shows, how to show it again. */
export interface PaymentActions {
  ctx: Ctx;
  message: { show(text: string): void };
  reload: () => Promise<void>;
}

/**
 * An approved payment's money (decision 0013): what was authorized, captured and refunded, each capture, void
 * and refund, and, for supervisors and admins, the forms that ask for the next one (the server decides again).
 */
export function renderLifecycle(el: HTMLElement, p: Payment, { ctx, message, reload }: PaymentActions): void {
  const tx = t();
  const b = p.balance;
  el.hidden = !b;
  if (!b) return;
  const m = (n: number) => money(n, p.currency);
  const mayAct = ctx.session.operator.role === 'supervisor' || ctx.session.operator.role === 'admin';
  const pending = p.operations.some((o) => o.status === 'PENDING');
  const ask = async (operation: PaymentOperation['operation'], amount: number | undefined, reason: string) => {
    const answer = await call<{ operation: PaymentOperation }>(
      'POST',
      `/payments/${encodeURIComponent(p.paymentId)}/operations`,
      { operation, ...(amount !== undefined ? { amount } : {}), ...(reason ? { reason } : {}) },
    );
    await reload();
    message.show(answer.operation.status === 'PENDING' ? tx.operationPending : '');
  };
  const form = (operation: 'CAPTURE' | 'REFUND', max: number, label: string, confirmText: (a: string) => string) => {
    const amount = h('input', {
      type: 'number',
      min: '1',
      max: String(max),
      step: '1',
      value: String(max),
      required: true,
    });
    const reason = h('input', { type: 'text', maxlength: '200' });
    return h(
      'form',
      {
        class: 'inline',
        'data-testid': `${operation.toLowerCase()}-form`,
        onsubmit: onSubmit(ctx, message, async () => {
          const n = Number((amount as HTMLInputElement).value);
          if (window.confirm(confirmText(m(n)))) await ask(operation, n, (reason as HTMLInputElement).value.trim());
        }),
      },
      field(tx.operationAmount, amount),
      field(tx.operationReason, reason),
      h('button', { type: 'submit', class: operation === 'REFUND' ? 'danger' : '' }, label),
    );
  };
  mount(
    el,
    h('h2', { id: 'lifecycle-h' }, tx.lifecycleTitle),
    h(
      'dl',
      { class: 'facts', 'data-testid': 'balance' },
      row(tx.status, tx.balanceStates[b.state] ?? b.state),
      row(tx.authorized, m(b.authorized)),
      row(tx.captured, m(b.captured)),
      row(tx.refunded, m(b.refunded)),
      row(tx.capturable, m(b.capturable)),
      row(tx.refundable, m(b.refundable)),
    ),
    p.operations.length > 0
      ? dataTable([tx.time, tx.event, tx.amount, tx.status], p.operations, (o) => [
          h('td', { class: 'nowrap' }, dateTime(o.completedAt ?? o.requestedAt)),
          h('td', null, tx.operationKinds[o.operation] ?? o.operation),
          h('td', null, o.operation === 'VOID' ? '' : m(o.amount)),
          h('td', null, tx.operationStatuses[o.status] ?? o.status, o.failureReason ? ` (${o.failureReason})` : ''),
        ])
      : null,
    !mayAct
      ? h('p', { class: 'muted' }, tx.lifecycleReadOnly)
      : pending
        ? h('p', { class: 'muted' }, tx.operationPending)
        : [
            b.capturable > 0 ? form('CAPTURE', b.capturable, tx.capture, tx.captureConfirm) : null,
            b.captured === 0 && b.state !== 'VOIDED'
              ? actionButton(
                  ctx,
                  message,
                  tx.voidPayment,
                  async () => {
                    if (window.confirm(tx.voidConfirm)) await ask('VOID', undefined, '');
                  },
                  { class: 'danger' },
                )
              : null,
            b.refundable > 0 ? form('REFUND', b.refundable, tx.refund, tx.refundConfirm) : null,
          ],
  );
}
