import { call, type Operator } from '../api';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { type Ctx, field, messageArea, reportError } from './ctx';

const ROLES = ['operator', 'supervisor', 'admin'] as const;

/** Admins manage operators; supervisors see their team. */
export function adminOperators(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const isAdmin = ctx.session.operator.role === 'admin';
  const message = messageArea();
  const info = messageArea('info');
  const list = h('section', { class: 'card', 'aria-labelledby': 'ops-h' });

  const roleSelect = (value?: string) =>
    h(
      'select',
      { name: 'role' },
      ROLES.map((r) => h('option', { value: r, selected: r === value }, tx.roles[r])),
    );
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.show('');
        const v = formValues(form);
        try {
          await call('POST', '/operators', v);
          form.reset();
          info.show(tx.saved);
          await load();
        } catch (err) {
          reportError(ctx, message, err);
        }
      },
    },
    h('h2', null, tx.addOperator),
    h(
      'div',
      { class: 'grid' },
      field(tx.username, h('input', { name: 'username', required: true, autocomplete: 'off' })),
      field(tx.displayName, h('input', { name: 'displayName', required: true, autocomplete: 'off' })),
      field(tx.role, roleSelect('operator')),
      field(tx.team, h('input', { name: 'team', autocomplete: 'off' })),
      field(
        tx.sipAddress,
        h('input', { name: 'sipAddress', autocomplete: 'off', placeholder: 'sip:operator-12@pbx.example.com' }),
      ),
      field(
        tx.newPassword,
        h('input', {
          name: 'password',
          type: 'password',
          required: true,
          minlength: '12',
          autocomplete: 'new-password',
        }),
      ),
    ),
    h('button', { type: 'submit' }, tx.addOperator),
  );
  mount(main, h('h1', null, tx.operatorsTitle), message.el, info.el, isAdmin ? form : null, list);

  const change = async (o: Operator, body: Record<string, unknown>) => {
    message.show('');
    try {
      await call('PATCH', `/operators/${encodeURIComponent(o.operatorId)}`, body);
      info.show(tx.saved);
      await load();
    } catch (err) {
      reportError(ctx, message, err);
    }
  };

  async function load(): Promise<void> {
    try {
      const { data } = await call<{ data: Operator[] }>('GET', '/operators');
      mount(
        list,
        h('h2', { id: 'ops-h' }, tx.operatorsTitle),
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [tx.username, tx.displayName, tx.role, tx.team, tx.sipAddress, tx.state, tx.mfa, isAdmin ? '' : null]
                .filter((c) => c !== null)
                .map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            null,
            data.map((o) => {
              const locked = o.lockedUntil !== null && Date.parse(o.lockedUntil) > Date.now();
              const password = h('input', {
                type: 'password',
                'aria-label': `${tx.newPassword} — ${o.username}`,
                autocomplete: 'new-password',
                minlength: '12',
              });
              return h(
                'tr',
                null,
                h('td', null, o.username),
                h('td', null, o.displayName),
                h('td', null, tx.roles[o.role]),
                h('td', null, o.team ?? '—'),
                h('td', { class: 'mono' }, o.sipAddress || '—'),
                h('td', null, o.disabled ? tx.disabled : locked ? tx.locked : tx.active),
                h('td', null, o.mfaEnrolled ? tx.mfaOn : tx.mfaOff),
                isAdmin
                  ? h(
                      'td',
                      { class: 'actions' },
                      h(
                        'button',
                        { type: 'button', class: 'secondary', onclick: () => change(o, { disabled: !o.disabled }) },
                        `${o.disabled ? tx.enable : tx.disable}`,
                      ),
                      locked || o.failedAttempts > 0
                        ? h(
                            'button',
                            { type: 'button', class: 'secondary', onclick: () => change(o, { unlock: true }) },
                            tx.unlock,
                          )
                        : null,
                      o.mfaEnrolled
                        ? h(
                            'button',
                            {
                              type: 'button',
                              class: 'secondary',
                              onclick: () => {
                                if (confirm(tx.resetMfaConfirm(o.username))) void change(o, { resetMfa: true });
                              },
                            },
                            tx.resetMfa,
                          )
                        : null,
                      password,
                      h(
                        'button',
                        { type: 'button', class: 'secondary', onclick: () => change(o, { password: password.value }) },
                        tx.resetPassword,
                      ),
                    )
                  : null,
              );
            }),
          ),
        ),
      );
    } catch (err) {
      reportError(ctx, message, err);
    }
  }
  void load();
}
