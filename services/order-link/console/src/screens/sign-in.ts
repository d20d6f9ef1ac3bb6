import { call, type Session, setCsrfToken } from '../api';
import { formValues, h, mount } from '../h';
import { t } from '../i18n';
import { type Ctx, field, messageArea } from './ctx';

export function signIn(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const message = messageArea();
  const submit = h('button', { type: 'submit' }, tx.signIn);
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.show('');
        submit.disabled = true;
        const v = formValues(form);
        try {
          const s = await call<Session>('POST', '/session', { username: v.username, password: v.password });
          setCsrfToken(s.csrfToken);
          ctx.signedIn(s);
        } catch (err) {
          message.show((err as { status?: number }).status === 401 ? tx.signInFailed : ctx.errorText(err));
          submit.disabled = false;
          (form.elements.namedItem('password') as HTMLInputElement).select();
        }
      },
    },
    field(
      tx.username,
      h('input', {
        name: 'username',
        autocomplete: 'username',
        required: true,
        autocapitalize: 'none',
        spellcheck: 'false',
      }),
    ),
    field(
      tx.password,
      h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ),
    message.el,
    submit,
  );
  mount(main, h('h1', null, tx.signInTitle), form);
  queueMicrotask(() => (form.elements.namedItem('username') as HTMLInputElement).focus());
}
