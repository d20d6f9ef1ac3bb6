import { ApiError, call, type Session, setCsrfToken } from './api';
import { h, mount } from './h';
import { initialLang, setLang, t } from './i18n';
import { adminApiKeys } from './screens/admin-api-keys';
import { adminOperators } from './screens/admin-operators';
import { adminWebhooks } from './screens/admin-webhooks';
import type { Ctx } from './screens/ctx';
import { history } from './screens/history';
import { newPayment } from './screens/new-payment';
import { paymentDetail } from './screens/payment-detail';
import { signIn } from './screens/sign-in';
import './styles.css';

const root = document.getElementById('app')!;
let session: Session | null = null;
let leaving: (() => void)[] = [];

function navigate(hash: string): void {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t().errorNetwork;
    const fields = err.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return `${t().errorGeneric} ${err.message}${fields && !err.message.includes(fields) ? ` (${fields})` : ''}`;
  }
  return `${t().errorGeneric} ${(err as Error).message}`;
}

function header(s: Session): HTMLElement {
  const tx = t();
  const link = (hash: string, label: string) =>
    h('a', { href: hash, 'aria-current': location.hash.startsWith(hash) ? 'page' : null }, label);
  return h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, tx.appName),
    h(
      'nav',
      { 'aria-label': tx.appName },
      h(
        'ul',
        null,
        h('li', null, link('#/new', tx.navNew)),
        h('li', null, link('#/history', tx.navHistory)),
        s.operator.role === 'admin' && [
          h('li', null, link('#/admin/operators', tx.navOperators)),
          h('li', null, link('#/admin/api-keys', tx.navApiKeys)),
          h('li', null, link('#/admin/webhooks', tx.navWebhooks)),
        ],
        s.operator.role === 'supervisor' && h('li', null, link('#/admin/operators', tx.navOperators)),
      ),
    ),
    h('span', { class: 'who' }, `${tx.signedInAs} ${s.operator.displayName} (${tx.roles[s.operator.role]})`),
    languageButton(),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          await call('DELETE', '/session').catch(() => undefined);
          session = null;
          navigate('#/sign-in');
        },
      },
      tx.signOut,
    ),
  );
}

function languageButton(): HTMLButtonElement {
  const tx = t();
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary lang',
      lang: document.documentElement.lang === 'ja' ? 'en' : 'ja',
      'aria-label': tx.languageLabel,
      onclick: () => {
        setLang(document.documentElement.lang === 'ja' ? 'en' : 'ja');
        render();
      },
    },
    tx.language,
  );
}

function render(): void {
  for (const f of leaving) f();
  leaving = [];
  const hash = location.hash || '#/new';
  const main = h('main', { id: 'main', tabindex: '-1' });
  const ctx: Ctx = {
    session: session!,
    navigate,
    onLeave: (f) => leaving.push(f),
    errorText,
    signedIn: (s) => {
      session = s;
      setCsrfToken(s.csrfToken);
      navigate('#/new');
    },
    sessionEnded: () => {
      session = null;
      navigate('#/sign-in');
    },
  };
  document.title = `${t().appName}`;
  if (!session || hash === '#/sign-in') {
    mount(root, h('header', { class: 'top' }, h('span', { class: 'brand' }, t().appName), languageButton()), main);
    signIn(main, ctx);
  } else {
    mount(root, header(session), main);
    const [, screen, a, b] = hash.split('/');
    if (screen === 'payments' && a) paymentDetail(main, ctx, decodeURIComponent(a));
    else if (screen === 'history') history(main, ctx);
    else if (screen === 'admin' && a === 'operators') adminOperators(main, ctx);
    else if (screen === 'admin' && a === 'api-keys') adminApiKeys(main, ctx);
    else if (screen === 'admin' && a === 'webhooks') adminWebhooks(main, ctx, b ? decodeURIComponent(b) : undefined);
    else newPayment(main, ctx);
  }
  // Keyboard and screen-reader users land on the new screen's heading.
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

async function start(): Promise<void> {
  setLang(initialLang());
  try {
    session = await call<Session>('GET', '/session');
    setCsrfToken(session.csrfToken);
  } catch {
    session = null;
  }
  window.addEventListener('hashchange', render);
  render();
}

void start();
