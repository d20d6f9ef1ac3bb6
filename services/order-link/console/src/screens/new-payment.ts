import { CALL_MODES, LANGUAGES } from '@ivr/contracts/vocabulary';
import { call, type Payment } from '../api';
import { minorDigits, toMinorUnits } from '../format';
import { formValues, h, mount } from '../h';
import { lang, t } from '../i18n';
import { onSubmit } from './controls';
import { type Ctx, field, messageArea, reportError } from './ctx';

const CURRENCIES = ['JPY', 'USD', 'EUR'];

export function newPayment(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const message = messageArea();
  // One key per filled-in form: a double click or a retry after a timeout creates one payment.
  const idempotencyKey = crypto.randomUUID();
  const submit = h('button', { type: 'submit' }, tx.create);
  const currency = h(
    'select',
    { name: 'currency', required: true },
    CURRENCIES.map((c) => h('option', { value: c }, c)),
  );
  const amount = h('input', { name: 'amount', inputmode: 'decimal', required: true, autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.show('');
        const v = formValues(form);
        const minor = toMinorUnits(v.amount ?? '', v.currency ?? 'JPY');
        if (minor === null) {
          message.show(`${tx.amount}: ${minorDigits(v.currency ?? 'JPY') === 0 ? '12345' : '123.45'}`);
          amount.focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = tx.creating;
        try {
          const p = await call<Payment>('POST', '/payments', {
            orderId: v.orderId?.trim(),
            amount: minor,
            currency: v.currency,
            description: v.description,
            mode: v.mode,
            language: v.language,
            returnSipAddress: v.returnSipAddress?.trim(),
            callMode: v.callMode,
            idempotencyKey,
          });
          ctx.navigate(`#/payments/${encodeURIComponent(p.paymentId)}`);
        } catch (err) {
          reportError(ctx, message, err);
          submit.disabled = false;
          submit.textContent = tx.create;
        }
      },
    },
    h(
      'div',
      { class: 'grid' },
      field(
        tx.orderId,
        h('input', {
          name: 'orderId',
          required: true,
          maxlength: '64',
          autocomplete: 'off',
          pattern: '[A-Za-z0-9._:#/\\-]+',
        }),
      ),
      field(tx.amount, amount),
      field(tx.currency, currency),
      field(
        tx.mode,
        h(
          'select',
          { name: 'mode' },
          (['CAPTURE', 'AUTHORIZE', 'REGISTER_CARD'] as const).map((m) => h('option', { value: m }, tx.modes[m])),
        ),
      ),
      field(
        tx.callerLanguage,
        h(
          'select',
          { name: 'language' },
          LANGUAGES.map((l) => h('option', { value: l, selected: l === lang() }, tx.languages[l])),
        ),
      ),
      field(
        tx.callMode,
        h(
          'select',
          { name: 'callMode' },
          CALL_MODES.map((m) => h('option', { value: m }, tx.callModes[m])),
        ),
      ),
      field(
        tx.returnSip,
        h('input', {
          name: 'returnSipAddress',
          required: true,
          value: ctx.session.operator.sipAddress,
          autocomplete: 'off',
        }),
      ),
    ),
    field(tx.description, h('input', { name: 'description', maxlength: '200', autocomplete: 'off' })),
    message.el,
    submit,
  );

  const openMessage = messageArea();
  const open = h(
    'form',
    {
      class: 'card',
      role: 'search',
      onsubmit: onSubmit(ctx, openMessage, async () => {
        const orderId = (formValues(open).orderId ?? '').trim();
        const { data } = await call<{ data: Payment[] }>('GET', `/payments?orderId=${encodeURIComponent(orderId)}`);
        const first = data[0];
        if (first) ctx.navigate(`#/payments/${encodeURIComponent(first.paymentId)}`);
        else openMessage.show(tx.notFound);
      }),
    },
    h('h2', null, tx.openTitle),
    h('p', null, tx.openIntro),
    h(
      'div',
      { class: 'inline' },
      field(tx.orderId, h('input', { name: 'orderId', required: true, autocomplete: 'off' })),
      h('button', { type: 'submit', class: 'secondary' }, tx.open),
    ),
    openMessage.el,
  );
  mount(main, h('h1', null, tx.newTitle), h('p', null, tx.newIntro), form, open);
}
