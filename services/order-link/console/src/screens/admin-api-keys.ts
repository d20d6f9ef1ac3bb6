import { call } from '../api';
import { dateTime } from '../format';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { actionButton, dataTable, onSubmit, shownOnce } from './controls';
import { type Ctx, field, messageArea, reportError } from './ctx';

interface ApiKey {
  keyId: string;
  orderSystem: string;
  name: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  key?: string;
}

export function adminApiKeys(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const message = messageArea();
  const created = h('div', { 'aria-live': 'polite' });
  const list = h('section', { class: 'card', 'aria-labelledby': 'keys-h' });
  const scopesBox = h('fieldset', { class: 'checks' }, h('legend', null, tx.scopes));
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: onSubmit(ctx, message, async () => {
        const v = formValues(form);
        const scopes = [...scopesBox.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
        const key = await call<ApiKey>('POST', '/api-keys', { orderSystem: v.orderSystem, name: v.name, scopes });
        // Shown once: the server keeps only a hash.
        mount(created, shownOnce(h('strong', null, tx.keyShownOnce), key.key ?? '', { 'data-testid': 'new-api-key' }));
        form.reset();
        await load();
      }),
    },
    h('h2', null, tx.createKey),
    h(
      'div',
      { class: 'grid' },
      field(
        tx.orderSystem,
        h('input', { name: 'orderSystem', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._\\-]+' }),
      ),
      field(tx.keyName, h('input', { name: 'name', required: true, autocomplete: 'off' })),
    ),
    scopesBox,
    message.el,
    h('button', { type: 'submit' }, tx.createKey),
  );
  mount(main, h('h1', null, tx.apiKeysTitle), created, form, list);

  async function load(): Promise<void> {
    try {
      const { data, scopes } = await call<{ data: ApiKey[]; scopes: string[] }>('GET', '/api-keys');
      if (!scopesBox.querySelector('input'))
        scopesBox.append(
          ...scopes.map((s) =>
            h(
              'label',
              { class: 'check' },
              h('input', { type: 'checkbox', name: 'scope', value: s, checked: s.startsWith('payments') }),
              ` ${s}`,
            ),
          ),
        );
      mount(
        list,
        h('h2', { id: 'keys-h' }, tx.navApiKeys),
        dataTable(
          [tx.orderSystem, tx.keyName, 'ID', tx.scopes, tx.created, tx.state, ''],
          data,
          (k) => [
            h('td', null, h('a', { href: `#/admin/webhooks/${encodeURIComponent(k.orderSystem)}` }, k.orderSystem)),
            h('td', null, k.name),
            h('td', { class: 'mono' }, k.keyId),
            h('td', null, k.scopes.join(', ')),
            h('td', { class: 'nowrap' }, dateTime(k.createdAt)),
            h('td', null, k.revokedAt ? tx.revoked : tx.active),
            h(
              'td',
              null,
              k.revokedAt
                ? null
                : actionButton(
                    ctx,
                    message,
                    tx.revoke,
                    async () => {
                      await call(
                        'DELETE',
                        `/api-keys/${encodeURIComponent(k.orderSystem)}/${encodeURIComponent(k.keyId)}`,
                      );
                      await load();
                    },
                    { 'aria-label': `${tx.revoke} ${k.name}` },
                  ),
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
