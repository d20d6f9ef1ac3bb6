import { call, type Operator } from '../api';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { actionButton, dataTable, onSubmit } from './controls';
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
      onsubmit: onSubmit(ctx, message, async () => {
        await call('POST', '/operators', formValues(form));
        form.reset();
        info.show(tx.saved);
        await load();
      }),
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

  // Run by a row's buttons (actionButton shows a failure).
  const change = async (o: Operator, body: Record<string, unknown>) => {
    message.show('');
    await call('PATCH', `/operators/${encodeURIComponent(o.operatorId)}`, body);
    info.show(tx.saved);
    await load();
  };

  async function load(): Promise<void> {
    try {
      const { data } = await call<{ data: Operator[] }>('GET', '/operators');
      mount(
        list,
        h('h2', { id: 'ops-h' }, tx.operatorsTitle),
        dataTable(
          [tx.username, tx.displayName, tx.role, tx.team, tx.sipAddress, tx.state, tx.mfa, isAdmin ? '' : null].filter(
            (c) => c !== null,
          ),
          data,
          (o) => {
            const locked = o.lockedUntil !== null && Date.parse(o.lockedUntil) > Date.now();
            const password = h('input', {
              type: 'password',
              'aria-label': `${tx.newPassword} — ${o.username}`,
              autocomplete: 'new-password',
              minlength: '12',
            });
            return [
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
                    actionButton(ctx, message, o.disabled ? tx.enable : tx.disable, () =>
                      change(o, { disabled: !o.disabled }),
                    ),
                    locked || o.failedAttempts > 0
                      ? actionButton(ctx, message, tx.unlock, () => change(o, { unlock: true }))
                      : null,
                    o.mfaEnrolled
                      ? actionButton(ctx, message, tx.resetMfa, async () => {
                          if (confirm(tx.resetMfaConfirm(o.username))) await change(o, { resetMfa: true });
                        })
                      : null,
                    password,
                    actionButton(ctx, message, tx.resetPassword, () => change(o, { password: password.value })),
                  )
                : null,
            ];
          },
        ),
      );
    } catch (err) {
      reportError(ctx, message, err);
    }
  }
  void load();
}
