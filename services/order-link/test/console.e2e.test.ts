/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against real
 * order-link and notification processes on the real Kafka and PostgreSQL. The call's events are
 * produced on ivr.calls.v1 (each key of a card field on ivr.call-progress.v1) / ivr.authorizations.v1
 * as call-control and authorization publish them
 * (until the baresip call e2e drives them), and travel order-link → Kafka → notification → the
 * console's live relay → the page. Screenshots land in test-artifacts/console/.
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { type EventEnvelope, Topics } from '@ivr/contracts';
import { createKafka, KafkaEventPublisher } from '@ivr/kafka';
import { startGroupsAtEnd } from '@ivr/testkit/kafka-groups';
import { Nginx } from '@ivr/testkit/nginx';
import { startOrderLinkPair } from '@ivr/testkit/order-link-pair';
import { TopicWatcher } from '@ivr/testkit/payment-system';
import { freePort } from '@ivr/testkit/ports';
import { type ServiceProcess, waitUntil } from '@ivr/testkit/service-process';
import type { Kafka } from 'kafkajs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'test-artifacts', 'console');
const PAN = '4242424242424242';
const BIN6 = '424242';
const run = randomUUID().slice(0, 8);
const admin = { username: `admin-${run}`, password: `admin-pass-${run}-2026` };
const operator = { username: `op-${run}`, password: `operator-pass-${run}-2026` };
const supervisor = { username: `sup-${run}`, password: `supervisor-pass-${run}-2026` };
// The admin's authenticator secret, read from the enrolment screen.
let adminSecret = '';

let notification: ServiceProcess;
let orderLink: ServiceProcess;
let base: string;
let liveGroup: string;
let kafka: Kafka;
let publisher: KafkaEventPublisher;
let browser: Browser;
// nginx terminating TLS in front of order-link, as the chart's ingress does.
let proxy: Nginx;
const cspViolations: string[] = [];
// Payments entered in the console belong to this order system; its webhooks go to `receiver`.
const consoleOrderSystem = `console-e2e-${run}`;
const received: string[] = [];
let receiver: Server;
let receiverUrl: string;

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The page must never hold a card number: not the PAN, not even the BIN the vault reports. */
async function assertNoCardDigits(page: Page): Promise<void> {
  const html = await page.content();
  expect(html).not.toContain(PAN);
  expect(html).not.toContain(BIN6);
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run in the page (evaluated through DevTools, so the page's CSP stays strict). */
async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 3) })))',
  )) as { id: string; impact: string | null; nodes: string[] }[];
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A POST through the proxy over TLS (the local CA), as another site's page would send it. */
function postThrough(
  p: Nginx,
  path: string,
  origin: string,
  body: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${p.origin}${path}`,
      { method: 'POST', ca: p.ca, headers: { 'content-type': 'application/json', origin } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += String(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * The operator's authenticator app: an RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s) computed here from
 * the base32 secret the console showed. `ahead` asks for a later step's code (the console accepts
 * the next step; a step once used is never accepted again).
 */
function authenticatorCode(secretBase32: string, ahead = 0): string {
  let bits = '';
  for (const c of secretBase32.replace(/\s/g, '').toUpperCase())
    bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + ahead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19]! & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Signs in with a code, or enrols first when the console asks to (the first sign-in of an admin or supervisor). */
async function signInWithCode(
  page: Page,
  who: { username: string; password: string },
  code: (secret: string) => string,
  secret = '',
): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto(`${base}/console/`);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  if (secret) await page.getByLabel('Code from your authenticator app').fill(code(secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (secret) {
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return { secret, recoveryCodes: [] };
  }
  await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
  const shown = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  const link = await page.getByRole('link', { name: 'Open in your authenticator app' }).getAttribute('href');
  expect(link).toMatch(/^otpauth:\/\/totp\/IVR%20payments:/);
  expect(new URL(link ?? '').searchParams.get('secret')).toBe(shown);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByLabel('Code from the app').fill(code(shown));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  const recoveryCodes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { secret: shown, recoveryCodes };
}

let sequence = 0;
async function publish(
  topic: string,
  aggregateType: string,
  aggregateId: string,
  type: string,
  payload: object,
): Promise<void> {
  const envelope: EventEnvelope = {
    specVersion: 1,
    eventId: randomUUID(),
    type,
    aggregateType,
    aggregateId,
    version: ++sequence,
    occurredAt: new Date().toISOString(),
    correlationId: aggregateId,
    payload,
  };
  await publisher.publish([{ topic, key: aggregateId, envelope }]);
}

async function liveConsumerJoined(): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([liveGroup]);
    return groups[0]?.state === 'Stable';
  } finally {
    await admin.disconnect();
  }
}

const step = (page: Page, name: string) => page.locator(`li[data-step="${name}"]`);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  liveGroup = `console-e2e-live-${run}`;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += String(c);
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end();
    });
  });
  const receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiverPort}/hooks/payments`;
  const pair = await startOrderLinkPair({
    notification: { LIVE_CONSUMER_GROUP: liveGroup },
    orderLink: {
      CONSOLE_LOCKOUT_FAILURES: '3',
      CONSOLE_ORDER_SYSTEM: consoleOrderSystem,
      // nginx below connects from here; only it may say which scheme, host and client a request had.
      TRUSTED_PROXIES: '127.0.0.1',
    },
  });
  ({ orderLink, notification, api: base } = pair);
  const httpPort = pair.httpPort;
  proxy = await Nginx.start({ upstream: `127.0.0.1:${httpPort}` });

  // The first admin comes from the CLI, as on a fresh installation (password on standard input).
  const cli = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'services/order-link/src/cli/create-admin.ts'), admin.username, 'E2E Admin'],
    { input: `${admin.password}\n`, env: { ...process.env }, encoding: 'utf8' },
  );
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  expect(JSON.parse(cli.stdout)).toMatchObject({ username: admin.username, role: 'admin' });

  kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), clientId: `console-e2e-${run}` });
  publisher = new KafkaEventPublisher(kafka);
  await publisher.connect();

  // launch() gives Chromium a fresh temporary profile (user-data dir) of its own, removed on close.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...proxy.chromiumArgs(),
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await publisher?.disconnect();
  await proxy?.stop();
  await orderLink?.stop();
  await notification?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('operator console in Chromium', () => {
  let adminPage: Page;
  let operatorPage: Page;
  let paymentId: string;
  let apiKey: string;
  const orderId = `e2e-order-${run}`;

  it('serves the console with a strict CSP and refuses cross-site and token-less changes', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const forged = await fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    expect(forged.status).toBe(403);
  });

  it('lets the admin sign in and add an operator', async () => {
    ({ page: adminPage } = await newPage());
    await adminPage.goto(`${base}/console/`);
    expect(await seriousA11yViolations(adminPage)).toEqual([]);
    await shot(adminPage, '01-sign-in');
    // Admins need a second factor: the first sign-in enrols the authenticator app, shown once.
    adminSecret = (await signInWithCode(adminPage, admin, (secret) => authenticatorCode(secret))).secret;
    await shot(adminPage, '01b-signed-in-after-enrolment');
    await adminPage.getByRole('link', { name: 'Operators' }).click();
    const form = adminPage.locator('form', { has: adminPage.getByRole('heading', { name: 'Add operator' }) });
    await form.getByLabel('Username').fill(operator.username);
    await form.getByLabel('Display name').fill('Hanako Sato');
    await form.getByLabel('Team').fill(`team-${run}`);
    await form.getByLabel('SIP address').fill('sip:operator-e2e@127.0.0.1');
    await form.getByLabel('New password').fill(operator.password);
    await form.getByRole('button', { name: 'Add operator' }).click();
    await adminPage.getByRole('cell', { name: operator.username, exact: true }).waitFor();
    expect(await seriousA11yViolations(adminPage)).toEqual([]);
    await shot(adminPage, '02-admin-operators');
  });

  it('locks an account after repeated wrong passwords, whatever the next password', async () => {
    const attempt = (username: string, password: string) =>
      fetch(`${base}/console/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username, password }),
      });
    // A throwaway operator, so the admin account stays usable.
    const victim = `locked-${run}`;
    const csrf = await adminPage.evaluate('fetch("/console/api/session").then(r => r.json()).then(s => s.csrfToken)');
    const made = (await adminPage.evaluate(
      `fetch("/console/api/operators", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": ${JSON.stringify(csrf)} }, body: JSON.stringify({ username: ${JSON.stringify(victim)}, displayName: "Locked", role: "operator", password: "victim-password-2026" }) }).then(r => r.status)`,
    )) as number;
    expect(made).toBe(201);
    const login = (password: string) =>
      fetch(`${base}/console/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: victim, password }),
      });
    for (let i = 0; i < 3; i++) expect((await login('wrong-password-000')).status).toBe(401);
    expect((await login('victim-password-2026')).status).toBe(401);
    // Only that account: another signs in as before.
    expect((await attempt(operator.username, operator.password)).status).toBe(201);
  });

  it('asks the admin for the code from the app: a wrong one is refused, the right one signs in', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Code from your authenticator app').fill(authenticatorCode(adminSecret, -5));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The username, password or code is wrong, or the account is locked.').waitFor();
    await page.getByLabel('Code from your authenticator app').fill(authenticatorCode(adminSecret, 1));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await context.close();
  });

  it('locks a supervisor after wrong codes, refuses even the right one, and lets an admin unlock', async () => {
    const csrf = await adminPage.evaluate('fetch("/console/api/session").then(r => r.json()).then(s => s.csrfToken)');
    const made = (await adminPage.evaluate(
      `fetch("/console/api/operators", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": ${JSON.stringify(csrf)} }, body: JSON.stringify({ username: ${JSON.stringify(supervisor.username)}, displayName: "Sora Supervisor", role: "supervisor", team: ${JSON.stringify(`team-${run}`)}, password: ${JSON.stringify(supervisor.password)} }) }).then(r => r.status)`,
    )) as number;
    expect(made).toBe(201);
    const { context, page } = await newPage();
    const { secret } = await signInWithCode(page, supervisor, (s) => authenticatorCode(s));
    await page.getByRole('button', { name: 'Sign out' }).click();
    // CONSOLE_LOCKOUT_FAILURES=3 here: three wrong codes lock the account.
    for (let i = 0; i < 3; i++) {
      await page.getByLabel('Username').fill(supervisor.username);
      await page.getByLabel('Password').fill(supervisor.password);
      await page.getByLabel('Code from your authenticator app').fill(authenticatorCode(secret, -(i + 3)));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('The username, password or code is wrong, or the account is locked.').waitFor();
    }
    await page.getByLabel('Code from your authenticator app').fill(authenticatorCode(secret, 1));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The username, password or code is wrong, or the account is locked.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await shot(page, '02b-supervisor-locked');

    // The Operators screen, loaded afresh (it may be open already, listed before the supervisor existed).
    await adminPage.goto(`${base}/console/#/admin/operators`);
    await adminPage.reload();
    const row = adminPage.getByRole('row', { name: new RegExp(supervisor.username) });
    await row.getByRole('cell', { name: 'locked', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Unlock' }).click();
    await row.getByRole('cell', { name: 'active', exact: true }).waitFor();
    await signInWithCode(page, supervisor, (s) => authenticatorCode(s, 1), secret);
    await context.close();
  });

  it('lets the admin create an API key for an order system, shown once, that works', async () => {
    await adminPage.getByRole('link', { name: 'API keys' }).click();
    await adminPage.getByLabel('Order system').fill(`shop-${run}`);
    await adminPage.getByLabel('Key name').fill(`e2e shop backend ${run}`);
    await adminPage.getByRole('button', { name: 'Create API key' }).click();
    const key = (await adminPage.getByTestId('new-api-key').textContent()) ?? '';
    expect(key).toMatch(/^olk_[\w-]+\.[\w-]+$/);
    apiKey = key;
    const res = await fetch(`${base}/v1/payments?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(await seriousA11yViolations(adminPage)).toEqual([]);
    await shot(adminPage, '03-admin-api-key');
    await adminPage.reload();
    await adminPage.getByRole('cell', { name: `e2e shop backend ${run}`, exact: true }).waitFor();
    expect(await adminPage.content()).not.toContain(key);
  });

  it('lets the admin add a webhook endpoint for the console order system, secret shown once', async () => {
    await adminPage.getByRole('link', { name: 'Webhooks' }).click();
    await adminPage.getByLabel('Order system').fill(consoleOrderSystem);
    await adminPage.getByRole('button', { name: 'Show' }).click();
    await adminPage.getByLabel('URL').fill(receiverUrl);
    await adminPage.getByLabel('Description').fill('e2e receiver');
    await adminPage.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await adminPage.locator('.secret output').textContent()).toMatch(/^whsec_/);
    await adminPage.getByRole('cell', { name: receiverUrl }).waitFor();
  });

  it('lets an operator create a payment and shows the transfer code and instruction', async () => {
    ({ page: operatorPage } = await newPage());
    await signIn(operatorPage, operator);
    await operatorPage.getByLabel('Order id').first().fill(orderId);
    await operatorPage.getByLabel('Amount').fill('1200');
    await operatorPage.getByLabel('Currency').selectOption('JPY');
    await operatorPage.getByLabel('Mode').selectOption('CAPTURE');
    await operatorPage.getByLabel("Caller's language").selectOption('ja');
    await operatorPage.getByLabel('Description').fill('Green tea set');
    expect(await operatorPage.getByLabel('Return to (your SIP address)').inputValue()).toBe(
      'sip:operator-e2e@127.0.0.1',
    );
    expect(await seriousA11yViolations(operatorPage)).toEqual([]);
    await shot(operatorPage, '04-new-payment');
    await operatorPage.getByRole('button', { name: 'Create payment' }).click();
    const code = operatorPage.getByTestId('transfer-code');
    await code.waitFor();
    expect(await code.textContent()).toMatch(/^\d{6}$/);
    const target = `sip:${await code.textContent()}@127.0.0.1:5070`;
    await operatorPage.getByText(`Transfer the call to ${target} (blind transfer)`).waitFor();
    expect(await operatorPage.getByTestId('transfer-target').textContent()).toBe(target);
    paymentId = decodeURIComponent(operatorPage.url().split('#/payments/')[1] ?? '');
    expect(paymentId).toMatch(/^pay_/);
    await operatorPage.getByText('Live updates connected').waitFor();
    expect(await seriousA11yViolations(operatorPage)).toEqual([]);
    await shot(operatorPage, '05-transfer');
  });

  it('follows the call live, from transfer to the result, without a card digit', async () => {
    await waitUntil('notification live consumer to join', liveConsumerJoined, 60_000);
    const callId = `call-${run}`;
    const call = (type: string, payload: object) =>
      publish(Topics.calls, 'Call', callId, type, { callId, paymentId, ...payload });
    // Each key of a card field goes by the live channel, not the stored topic (as call-control sends it).
    const key = (payload: object) =>
      publish(Topics.callProgress, 'Call', callId, 'CaptureProgressed', { callId, paymentId, ...payload });
    const see = async (name: string, status: string) =>
      step(operatorPage, name)
        .and(operatorPage.locator(`[data-status="${status}"]`))
        .waitFor({ timeout: 30_000 });

    await call('CallStarted', { transferCode: '000000', callMode: 'IVR_ONLY' });
    await see('transferred', 'done');
    await call('CallStepEntered', { step: 'GREETING' });
    await see('greeting', 'active');
    await call('CallStepEntered', { step: 'CARD_NUMBER' });
    for (const n of [4, 8, 12]) {
      await key({
        field: 'CARD_NUMBER',
        digitsEntered: n,
        brand: 'visa',
        valid: null,
        attemptsLeft: 3,
      });
    }
    await step(operatorPage, 'cardNumber').getByText('12 digits entered').first().waitFor();
    await step(operatorPage, 'cardNumber').getByText('Visa').waitFor();
    await assertNoCardDigits(operatorPage);
    await shot(operatorPage, '06-progress-card-number');
    await call('CaptureProgressed', {
      field: 'CARD_NUMBER',
      digitsEntered: 16,
      brand: 'visa',
      valid: true,
      attemptsLeft: 3,
    });
    await see('cardNumber', 'done');
    expect(await step(operatorPage, 'cardNumber').locator('.dots').textContent()).toBe('•'.repeat(16));
    await call('CallStepEntered', { step: 'EXPIRY' });
    await call('CaptureProgressed', { field: 'EXPIRY', digitsEntered: 4, valid: true, attemptsLeft: 3 });
    await see('expiry', 'done');
    await call('CallStepEntered', { step: 'SECURITY_CODE' });
    await call('CaptureProgressed', { field: 'SECURITY_CODE', digitsEntered: 3, valid: true, attemptsLeft: 3 });
    await see('securityCode', 'done');
    await call('CallStepEntered', { step: 'REGISTERING' });
    await see('registering', 'active');
    await call('CardCaptured', {
      card: { pspToken: `pm_${run}`, brand: 'visa', bin6: BIN6, last4: '4242', expiryMonth: 12, expiryYear: 2034 },
    });
    // The two topics are not ordered with each other; call-control authorizes only after the capture.
    await operatorPage.locator('.badge', { hasText: 'Card captured' }).waitFor({ timeout: 30_000 });
    await call('CallStepEntered', { step: 'AUTHORIZING' });
    await see('authorizing', 'active');
    await publish(Topics.authorizations, 'Authorization', paymentId, 'AuthorizationApproved', {
      paymentId,
      mode: 'CAPTURE',
      amount: 1200,
      currency: 'JPY',
      authorizationCode: 'A1B2C3',
      pspReference: `psp_${run}`,
      captured: true,
      card: { brand: 'visa', bin6: BIN6, last4: '4242', expiryMonth: 12, expiryYear: 2034 },
    });
    await call('CallStepEntered', { step: 'RESULT' });
    await operatorPage.getByTestId('result').getByText('A1B2C3').waitFor({ timeout: 30_000 });
    await call('CallStepEntered', { step: 'RETURNING_TO_OPERATOR' });
    await call('CallEnded', { reason: 'RETURNED_TO_OPERATOR' });
    await operatorPage.getByText('The caller is back on your line.').waitFor({ timeout: 30_000 });
    await operatorPage.locator('.badge', { hasText: 'Approved' }).first().waitFor({ timeout: 30_000 });
    await assertNoCardDigits(operatorPage);
    expect(await operatorPage.locator('ol.steps').textContent()).not.toContain('4242');
    expect(await seriousA11yViolations(operatorPage)).toEqual([]);
    await shot(operatorPage, '07-result-approved');
  });

  it('finds the payment in the history and shows its full event timeline', async () => {
    await operatorPage.getByRole('link', { name: 'History' }).click();
    await operatorPage.getByLabel('Order id').fill(orderId);
    await operatorPage.getByLabel('Outcome').selectOption('APPROVED');
    await operatorPage.getByRole('button', { name: 'Search' }).click();
    await operatorPage.getByRole('heading', { name: '1 payment' }).waitFor();
    expect(await seriousA11yViolations(operatorPage)).toEqual([]);
    await shot(operatorPage, '08-history');
    await operatorPage.getByRole('link', { name: orderId }).click();
    const timeline = operatorPage.locator('table', { has: operatorPage.getByRole('columnheader', { name: 'Event' }) });
    for (const type of [
      'PaymentRequested',
      'PaymentTransferredToIvr',
      'PaymentCardCaptured',
      'PaymentApproved',
      'PaymentViewed',
    ]) {
      await timeline.getByRole('cell', { name: type, exact: true }).first().waitFor();
    }
    await assertNoCardDigits(operatorPage);
    await shot(operatorPage, '09-detail-timeline');

    // The admin sees every operator's payments.
    const found = (await adminPage.evaluate(
      `fetch("/console/api/payments?orderId=${orderId}").then(r => r.json()).then(b => b.data.length)`,
    )) as number;
    expect(found).toBe(1);
  });

  it('shows the webhook delivery of the outcome in the log, redelivers it, and disables the endpoint', async () => {
    await waitUntil('the webhook to arrive', () => received.some((b) => b.includes(paymentId)), 60_000);
    await adminPage.goto(`${base}/console/#/admin/webhooks/${consoleOrderSystem}`);
    await adminPage.getByRole('button', { name: 'Delivery log' }).click();
    await adminPage.getByRole('cell', { name: /^delivered/ }).waitFor();
    expect(await seriousA11yViolations(adminPage)).toEqual([]);
    await shot(adminPage, '10-admin-webhook-deliveries');
    const before = received.filter((b) => b.includes(paymentId)).length;
    await adminPage.getByRole('button', { name: 'Redeliver' }).first().click();
    await waitUntil('the redelivery', () => received.filter((b) => b.includes(paymentId)).length > before, 60_000);
    await adminPage.getByRole('button', { name: 'Disable' }).click();
    await adminPage.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
    await assertNoCardDigits(adminPage);
  });

  it('switches to Japanese and back, keyboard only', async () => {
    await operatorPage.getByRole('link', { name: 'History' }).click();
    await operatorPage.getByRole('button', { name: 'switch the console to Japanese' }).focus();
    await operatorPage.keyboard.press('Enter');
    await operatorPage.getByRole('heading', { name: '履歴' }).waitFor();
    expect(await operatorPage.getAttribute('html', 'lang')).toBe('ja');
    await operatorPage.getByRole('link', { name: '新規決済' }).waitFor();
    await operatorPage.getByRole('button', { name: '検索' }).waitFor();
    expect(await seriousA11yViolations(operatorPage)).toEqual([]);
    await shot(operatorPage, '11-history-ja');
    await operatorPage.goto(`${base}/console/#/payments/${encodeURIComponent(paymentId)}`);
    await operatorPage.getByText('承認番号').waitFor();
    await shot(operatorPage, '12-result-ja');
    await operatorPage.getByRole('button', { name: 'コンソールを英語に切り替える' }).click();
    await operatorPage.getByRole('heading', { name: `Payment ${orderId}` }).waitFor();
  });

  it('opens a payment the order system created through the API, by its order id', async () => {
    const apiOrderId = `${orderId}-api`;
    const created = await fetch(`${base}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': `e2e-${run}-api`,
      },
      body: JSON.stringify({
        orderId: apiOrderId,
        amount: 3300,
        currency: 'JPY',
        mode: 'AUTHORIZE',
        language: 'en',
        returnSipAddress: 'sip:operator-e2e@127.0.0.1',
      }),
    });
    expect(created.status).toBe(201);
    await operatorPage.getByRole('link', { name: 'New payment' }).click();
    const open = operatorPage.getByRole('search');
    await open.getByLabel('Order id').fill(apiOrderId);
    await open.getByRole('button', { name: 'Open' }).click();
    await operatorPage.getByRole('heading', { name: `Payment ${apiOrderId}` }).waitFor();
    expect(await operatorPage.getByTestId('transfer-code').textContent()).toMatch(/^\d{6}$/);
  });

  it('shows a decline with the sentence the operator can say to the caller', async () => {
    await operatorPage.getByRole('link', { name: 'New payment' }).click();
    await operatorPage.getByLabel('Order id').first().fill(`${orderId}-declined`);
    await operatorPage.getByLabel('Amount').fill('98000');
    await operatorPage.getByRole('button', { name: 'Create payment' }).click();
    await operatorPage.getByTestId('transfer-code').waitFor();
    await operatorPage.getByText('Live updates connected').waitFor();
    const declinedId = decodeURIComponent(operatorPage.url().split('#/payments/')[1] ?? '');
    const callId = `call-${run}-declined`;
    const call = (type: string, payload: object) =>
      publish(Topics.calls, 'Call', callId, type, { callId, paymentId: declinedId, ...payload });
    await call('CallStarted', { transferCode: '000000', callMode: 'IVR_ONLY' });
    await call('CardCaptured', {
      card: {
        pspToken: `pm_${run}_2`,
        brand: 'mastercard',
        bin6: '555555',
        last4: '4444',
        expiryMonth: 1,
        expiryYear: 2031,
      },
    });
    await operatorPage.locator('.badge', { hasText: 'Card captured' }).waitFor({ timeout: 30_000 });
    await publish(Topics.authorizations, 'Authorization', declinedId, 'AuthorizationDeclined', {
      paymentId: declinedId,
      reason: 'INSUFFICIENT_FUNDS',
      pspCode: 'insufficient_funds',
    });
    await operatorPage.getByText('The card does not have enough available credit.').waitFor({ timeout: 30_000 });
    expect(await operatorPage.content()).not.toContain('5555555555554444');
    expect(await operatorPage.content()).not.toContain('555555');
    await shot(operatorPage, '13-result-declined');
  });

  it('agent-assisted: shows the operator on the call, and their restart and cancel reach the IVR through the payments topic', async () => {
    // What call-control reads: the operator's requests on ivr.payments.v1 (from now on).
    const requestsGroup = `console-e2e-requests-${run}`;
    await startGroupsAtEnd(kafka, [requestsGroup]);
    const requests = await TopicWatcher.start(kafka, [Topics.payments], requestsGroup);
    try {
      await operatorPage.getByRole('link', { name: 'New payment' }).click();
      await operatorPage.getByLabel('Order id').first().fill(`${orderId}-assisted`);
      await operatorPage.getByLabel('Amount').fill('3300');
      await operatorPage.getByLabel('During the payment').selectOption('AGENT_ASSISTED');
      await operatorPage.getByRole('button', { name: 'Create payment' }).click();
      await operatorPage.getByTestId('transfer-code').waitFor();
      await operatorPage.getByText('Live updates connected').waitFor();
      const assistedId = decodeURIComponent(operatorPage.url().split('#/payments/')[1] ?? '');
      const callId = `call-${run}-assisted`;
      const call = (type: string, payload: object) =>
        publish(Topics.calls, 'Call', callId, type, { callId, paymentId: assistedId, ...payload });
      const key = (payload: object) =>
        publish(Topics.callProgress, 'Call', callId, 'CaptureProgressed', {
          callId,
          paymentId: assistedId,
          ...payload,
        });
      const asked = (type: string) =>
        requests.waitFor(
          type,
          (e) => e.type === type && (e.payload as { paymentId?: string }).paymentId === assistedId,
        );

      await call('CallStarted', { transferCode: '000000', callMode: 'AGENT_ASSISTED' });
      await operatorPage.getByText('The IVR is calling you').waitFor({ timeout: 30_000 });
      await call('OperatorLegAnswered', {
        purpose: 'AGENT_ASSISTED',
        target: 'sip:operator-e2e@127.0.0.1',
        sipCallId: 'op-1',
      });
      await operatorPage.getByTestId('operator-state').getByText('You are on the call').waitFor({ timeout: 30_000 });
      await call('CallStepEntered', { step: 'CARD_NUMBER' });
      await key({
        field: 'CARD_NUMBER',
        digitsEntered: 7,
        brand: 'visa',
        valid: null,
        attemptsLeft: 3,
      });
      await step(operatorPage, 'cardNumber').getByText('7 digits entered').first().waitFor({ timeout: 30_000 });
      expect(await seriousA11yViolations(operatorPage)).toEqual([]);
      await shot(operatorPage, '15-agent-assisted-on-the-call');

      // "Let's enter it again": a payment event for call-control, which answers on the call's topic.
      await operatorPage.getByRole('button', { name: 'Enter the field again' }).click();
      const restart = await asked('PaymentFieldRestartRequested');
      expect(restart.payload).toMatchObject({ callId, requestedBy: { kind: 'operator' } });
      await call('OperatorRequestHandled', {
        request: 'RESTART_FIELD',
        requestEventId: restart.eventId,
        outcome: 'DONE',
        field: 'CARD_NUMBER',
      });
      await call('CaptureProgressed', { field: 'CARD_NUMBER', digitsEntered: 0, valid: null, attemptsLeft: 3 });
      await operatorPage.getByText('The caller is asked for the card number again.').waitFor({ timeout: 30_000 });

      // Cancel: asked of the IVR, cancelled once the IVR says it stopped and told the caller.
      operatorPage.once('dialog', (d) => void d.accept());
      await operatorPage.getByRole('button', { name: 'Cancel payment' }).click();
      const cancel = await asked('PaymentCancellationRequested');
      await operatorPage.getByText('Cancellation asked: waiting for the IVR.').waitFor({ timeout: 30_000 });
      await call('OperatorRequestHandled', { request: 'CANCEL', requestEventId: cancel.eventId, outcome: 'DONE' });
      await operatorPage.locator('.badge', { hasText: 'Cancelled' }).first().waitFor({ timeout: 30_000 });
      await operatorPage.getByText('Cancelled: the IVR told the caller.').waitFor();
      await assertNoCardDigits(operatorPage);
      await shot(operatorPage, '16-agent-assisted-cancelled');
    } finally {
      await requests.stop();
    }
  });

  it('works behind a TLS-terminating reverse proxy (nginx): sign-in, a Secure cookie, HSTS, live updates', async () => {
    const { context, page } = await newPage();
    const served = page.waitForResponse((r) => r.url() === `${proxy.origin}/console/`);
    const signedIn = page.waitForResponse(
      (r) => r.url() === `${proxy.origin}/console/api/session` && r.request().method() === 'POST',
    );
    await page.goto(`${proxy.origin}/console/`);
    await page.getByLabel('Username').fill(operator.username);
    await page.getByLabel('Password').fill(operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const answer = await signedIn;
    expect({ status: answer.status(), body: answer.status() === 201 ? 'signed in' : await answer.json() }).toEqual({
      status: 201,
      body: 'signed in',
    });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect((await served).headers()['strict-transport-security']).toMatch(/^max-age=\d+/);
    const cookie = (await context.cookies(`${proxy.origin}/console/`)).find((c) => c.name === 'olk_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/console' });
    // A change (CSRF token, same-origin check) and the live stream, through the proxy.
    await page.getByLabel('Order id').first().fill(`${orderId}-proxied`);
    await page.getByLabel('Amount').fill('700');
    await page.getByRole('button', { name: 'Create payment' }).click();
    await page.getByTestId('transfer-code').waitFor();
    await page.getByText('Live updates connected').waitFor();
    await shot(page, '14-behind-tls-proxy');
    // Another site's request through the proxy is still refused, under a title that says why.
    const forged = await postThrough(proxy, '/console/api/session', 'https://evil.example', {
      username: operator.username,
      password: operator.password,
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ title: 'Not allowed', detail: 'cross-origin request refused' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await context.close();
  });

  it('cancels a pending payment and signs out', async () => {
    await operatorPage.getByRole('link', { name: 'New payment' }).click();
    await operatorPage.getByLabel('Order id').first().fill(`${orderId}-cancel`);
    await operatorPage.getByLabel('Amount').fill('500');
    await operatorPage.getByRole('button', { name: 'Create payment' }).click();
    await operatorPage.getByTestId('transfer-code').waitFor();
    operatorPage.once('dialog', (d) => void d.accept());
    await operatorPage.getByRole('button', { name: 'Cancel payment' }).click();
    await operatorPage.locator('.badge', { hasText: 'Cancelled' }).waitFor();
    await operatorPage.getByRole('button', { name: 'Sign out' }).click();
    await operatorPage.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    const after = (await operatorPage.evaluate('fetch("/console/api/session").then(r => r.status)')) as number;
    expect(after).toBe(401);
    expect(cspViolations).toEqual([]);
  });
});
