import { call, type Session, setCsrfToken } from '../api';
import { type Child, formValues, h, mount } from '../h';
import { t } from '../i18n';
import { type Ctx, field, messageArea } from './ctx';

/** The answer to a right password of an admin or supervisor who has no authenticator app set up yet. */
interface EnrolmentStarted {
  enrolment: { otpauthUri: string; secret: string; expiresInSeconds: number };
  csrfToken: string;
}

/**
 * Username, password and, for those who have one, the code from the authenticator app (PCI DSS v4:
 * every factor is checked before the answer, which never says which one was wrong).
 */
export function signIn(main: HTMLElement, ctx: Ctx): void {
  const tx = t();
  const form: HTMLFormElement = cardForm(
    tx.signIn,
    async (v) => {
      const answer = await call<Session | EnrolmentStarted>('POST', '/session', {
        username: v.username,
        password: v.password,
        ...(v.code ? { code: v.code } : {}),
      });
      setCsrfToken(answer.csrfToken);
      if ('enrolment' in answer) enrol(main, ctx, answer);
      else ctx.signedIn(answer);
    },
    (err) => {
      (form.elements.namedItem('password') as HTMLInputElement).select();
      return (err as { status?: number }).status === 401 ? tx.signInFailed : ctx.errorText(err);
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
    field(
      tx.totpCode,
      h('input', {
        name: 'code',
        autocomplete: 'one-time-code',
        autocapitalize: 'none',
        spellcheck: 'false',
        maxlength: '20',
      }),
      tx.totpCodeHint,
    ),
  );
  mount(main, h('h1', null, tx.signInTitle), form);
  queueMicrotask(() => (form.elements.namedItem('username') as HTMLInputElement).focus());
}

/** Shown once: the secret for the authenticator app, then the first code confirms it. */
function enrol(main: HTMLElement, ctx: Ctx, started: EnrolmentStarted): void {
  const tx = t();
  const grouped = started.enrolment.secret.replace(/(.{4})/g, '$1 ').trim();
  const form = cardForm(
    tx.confirm,
    async (v) => {
      const s = await call<Session & { recoveryCodes: string[] }>('POST', '/session/totp', { code: v.code });
      setCsrfToken(s.csrfToken);
      showRecoveryCodes(main, ctx, s);
    },
    (err) => {
      const status = (err as { status?: number }).status;
      if (status === 401) ctx.sessionEnded();
      return status === 400 ? tx.enrolCodeWrong : ctx.errorText(err);
    },
    h('p', null, tx.enrolIntro),
    h('p', null, h('a', { href: started.enrolment.otpauthUri }, tx.enrolOpenApp)),
    h('p', null, tx.enrolTypeSecret),
    h('p', null, h('code', { class: 'secret', 'data-testid': 'totp-secret' }, grouped)),
    field(
      tx.enrolCode,
      h('input', {
        name: 'code',
        autocomplete: 'one-time-code',
        inputmode: 'numeric',
        pattern: '[0-9]{6}',
        required: true,
        maxlength: '6',
      }),
    ),
  );
  mount(main, h('h1', null, tx.enrolTitle), form);
  queueMicrotask(() => (form.elements.namedItem('code') as HTMLInputElement).focus());
}

/**
 * A form in a narrow card: `send` runs with the form's values while the button is disabled; when it
 * throws, `failed` says what to show (and may act).
 */
function cardForm(
  label: string,
  send: (values: Record<string, string>) => Promise<void>,
  failed: (err: unknown) => string,
  ...children: Child[]
): HTMLFormElement {
  const message = messageArea();
  const submit = h('button', { type: 'submit' }, label);
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.show('');
        submit.disabled = true;
        try {
          await send(formValues(form));
        } catch (err) {
          message.show(failed(err));
          submit.disabled = false;
        }
      },
    },
    ...children,
    message.el,
    submit,
  );
  return form;
}

function showRecoveryCodes(main: HTMLElement, ctx: Ctx, s: Session & { recoveryCodes: string[] }): void {
  const tx = t();
  mount(
    main,
    h('h1', null, tx.recoveryTitle),
    h(
      'section',
      { class: 'card narrow' },
      h('p', null, tx.recoveryIntro),
      h(
        'ul',
        { class: 'mono', 'data-testid': 'recovery-codes' },
        s.recoveryCodes.map((c) => h('li', null, c)),
      ),
      h('button', { type: 'button', onclick: () => ctx.signedIn(s) }, tx.continue),
    ),
  );
}
