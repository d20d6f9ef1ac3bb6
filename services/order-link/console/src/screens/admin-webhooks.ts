import { call } from '../api';
import { dateTime } from '../format';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { actionButton, dataTable, onSubmit, shownOnce } from './controls';
import { type Ctx, field, messageArea, reportError } from './ctx';

interface Endpoint {
  endpointId: string;
  url: string;
  description: string;
  createdAt: string;
  disabledAt: string | null;
  secret?: string;
}

interface Delivery {
  deliveryId: string;
  paymentId?: string;
  eventType?: string;
  status: string;
  attempts: number;
  createdAt?: string;
  lastStatusCode?: number | null;
  lastError?: string | null;
}

/** Webhook endpoints of one order system, their delivery log and redelivery. */
export function adminWebhooks(main: HTMLElement, ctx: Ctx, orderSystem?: string): void {
  const tx = t();
  const message = messageArea();
  const pick = h(
    'form',
    {
      class: 'card inline',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const v = formValues(pick).orderSystem?.trim();
        if (v) ctx.navigate(`#/admin/webhooks/${encodeURIComponent(v)}`);
      },
    },
    field(
      tx.orderSystem,
      h('input', { name: 'orderSystem', required: true, value: orderSystem ?? '', autocomplete: 'off' }),
    ),
    h('button', { type: 'submit', class: 'secondary' }, tx.load),
  );
  const secret = h('div', { 'aria-live': 'polite' });
  const list = h('section', { class: 'card', 'aria-labelledby': 'eps-h' });
  const deliveries = h('section', { class: 'card', 'aria-labelledby': 'dl-h', hidden: true });
  mount(main, h('h1', null, tx.webhooksTitle), pick, message.el);
  if (!orderSystem) return;
  const base = `/webhooks/${encodeURIComponent(orderSystem)}`;

  const add = h(
    'form',
    {
      class: 'card',
      onsubmit: onSubmit(ctx, message, async () => {
        const ep = await call<Endpoint>('POST', base, formValues(add));
        mount(secret, shownOnce(tx.secretShownOnce, ep.secret ?? ''));
        add.reset();
        await load();
      }),
    },
    h('h2', null, tx.addEndpoint),
    h(
      'div',
      { class: 'grid' },
      field(tx.url, h('input', { name: 'url', type: 'url', required: true })),
      field(tx.description, h('input', { name: 'description' })),
    ),
    h('button', { type: 'submit' }, tx.addEndpoint),
  );
  main.append(secret, list, deliveries, add);

  async function showDeliveries(ep: Endpoint): Promise<void> {
    try {
      const { data } = await call<{ data: Delivery[] }>(
        'GET',
        `${base}/${encodeURIComponent(ep.endpointId)}/deliveries`,
      );
      deliveries.hidden = false;
      mount(
        deliveries,
        h('h2', { id: 'dl-h' }, `${tx.deliveries}: ${ep.url}`),
        dataTable(
          ['ID', tx.event, tx.status, tx.attempts, tx.created, ''],
          data,
          (d) => [
            h('td', { class: 'mono' }, d.deliveryId),
            h('td', null, d.eventType ?? ''),
            h(
              'td',
              null,
              `${d.status}${d.lastStatusCode ? ` (HTTP ${d.lastStatusCode})` : ''}${d.lastError ? ` — ${d.lastError}` : ''}`,
            ),
            h('td', { class: 'num' }, String(d.attempts)),
            h('td', { class: 'nowrap' }, dateTime(d.createdAt)),
            h(
              'td',
              null,
              actionButton(ctx, message, tx.redeliver, async () => {
                await call(
                  'POST',
                  `/webhook-deliveries/${encodeURIComponent(orderSystem!)}/${encodeURIComponent(d.deliveryId)}/redeliver`,
                  {},
                );
                await showDeliveries(ep);
              }),
            ),
          ],
          tx.none,
        ),
      );
    } catch (err) {
      reportError(ctx, message, err);
    }
  }

  async function load(): Promise<void> {
    try {
      const { data } = await call<{ data: Endpoint[] }>('GET', base);
      mount(
        list,
        h('h2', { id: 'eps-h' }, `${tx.webhooksTitle}: ${orderSystem}`),
        dataTable(
          [tx.url, tx.description, tx.created, tx.state, ''],
          data,
          (ep) => [
            h('td', { class: 'mono wrap' }, ep.url),
            h('td', null, ep.description),
            h('td', { class: 'nowrap' }, dateTime(ep.createdAt)),
            h('td', null, ep.disabledAt ? tx.disabled : tx.active),
            h(
              'td',
              { class: 'actions' },
              actionButton(ctx, message, tx.deliveries, () => showDeliveries(ep)),
              ep.disabledAt
                ? null
                : actionButton(ctx, message, tx.disable, async () => {
                    await call('DELETE', `${base}/${encodeURIComponent(ep.endpointId)}`);
                    await load();
                  }),
            ),
          ],
          tx.none,
        ),
      );
    } catch (err) {
      reportError(ctx, message, err);
    }
  }
  void load();
}
