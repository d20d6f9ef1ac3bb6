import { PAYMENT_STATUSES } from '@ivr/contracts/vocabulary';
import { call, type Operator, type Payment } from '../api';
import { dateTime, money } from '../format';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { dataTable } from './controls';
import { type Ctx, field, messageArea, reportError } from './ctx';

export function history(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const message = messageArea();
  const results = h('section', { class: 'card', 'aria-labelledby': 'results-h' });
  const operatorSelect = h('select', { name: 'operatorId' }, h('option', { value: '' }, tx.any));
  const canPickOperator = ctx.session.operator.role !== 'operator';
  const form = h(
    'form',
    {
      class: 'card',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void search();
      },
    },
    h(
      'div',
      { class: 'grid' },
      field(tx.orderId, h('input', { name: 'orderId', autocomplete: 'off' })),
      field(tx.from, h('input', { name: 'from', type: 'date' })),
      field(tx.to, h('input', { name: 'to', type: 'date' })),
      field(
        tx.outcome,
        h(
          'select',
          { name: 'status' },
          h('option', { value: '' }, tx.any),
          PAYMENT_STATUSES.map((s) => h('option', { value: s }, tx.statuses[s] ?? s)),
        ),
      ),
      canPickOperator ? field(tx.operator, operatorSelect) : null,
    ),
    h('button', { type: 'submit' }, tx.search),
  );
  mount(main, h('h1', null, tx.historyTitle), form, message.el, results);

  if (canPickOperator) {
    call<{ data: Operator[] }>('GET', '/operators')
      .then(({ data }) =>
        operatorSelect.append(
          ...data.map((o) => h('option', { value: o.operatorId }, `${o.displayName} (${o.username})`)),
        ),
      )
      .catch(() => undefined);
  }

  async function search(): Promise<void> {
    message.show('');
    const v = formValues(form);
    const q = new URLSearchParams();
    for (const k of ['orderId', 'from', 'to', 'status', 'operatorId']) if (v[k]) q.set(k, v[k]!.trim());
    try {
      const { data } = await call<{ data: Payment[] }>('GET', `/payments?${q}`);
      mount(
        results,
        h('h2', { id: 'results-h' }, tx.results(data.length)),
        dataTable(
          [tx.created, tx.orderId, tx.amount, tx.status, tx.operator],
          data,
          (p) => [
            h('td', { class: 'nowrap' }, dateTime(p.createdAt)),
            h('td', null, h('a', { href: `#/payments/${encodeURIComponent(p.paymentId)}` }, p.orderId)),
            h('td', { class: 'num' }, money(p.amount, p.currency)),
            h('td', null, h('span', { class: `badge s-${p.status.toLowerCase()}` }, tx.statuses[p.status] ?? p.status)),
            h('td', null, p.operatorName ?? '—'),
          ],
          tx.none,
        ),
      );
    } catch (err) {
      reportError(ctx, message, err);
    }
  }
  void search();
}
