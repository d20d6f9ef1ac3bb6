// The call centre's SIP proxy (Kamailio with infra/kamailio/kamailio.cfg) between real phones
// (baresip): phones register with it, a call to a registered user reaches that phone and its
// in-dialog requests follow the route set through the proxy; the IVR's numbers go to the IVR's
// address with the transfer code kept (round robin over its replicas, when it has several); REFER is
// relayed, or refused when the proxy is set to.
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { BaresipPhone } from '@ivr/testkit/baresip';
import { Kamailio } from '@ivr/testkit/kamailio';

const proxies: Kamailio[] = [];
const phones: BaresipPhone[] = [];

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

async function proxy(opts: Parameters<typeof Kamailio.start>[0] = {}): Promise<Kamailio> {
  const p = await Kamailio.start(opts);
  proxies.push(p);
  return p;
}

/** A phone registered with the proxy (REGISTER answered 200). */
async function registeredPhone(name: string, at: Kamailio, answerMode: 'auto' | 'manual' = 'manual') {
  const phone = await BaresipPhone.start({ name, proxy: at.address, answerMode });
  phones.push(phone);
  await phone.registered();
  return phone;
}

/** Requests of a method the proxy received, from Kamailio's own counters (kamcmd). */
const received = (at: Kamailio, method: string): Promise<number> =>
  at.stat(`core:rcv_requests_${method.toLowerCase()}`);

test('two phones register with the proxy and call each other through it; the BYE follows the route set', async () => {
  const pbx = await proxy();
  const caller = await registeredPhone('caller', pbx);
  const operator = await registeredPhone('operator', pbx, 'auto');
  const registrations = await pbx.registrations();
  expect(registrations).toContain('caller');
  expect(registrations).toContain('operator');

  await caller.dial(operator.aor);
  await caller.waitForEvent('CALL_ESTABLISHED');
  const answered = await operator.waitForEvent('CALL_ESTABLISHED');
  expect(answered.peeruri).toContain('sip:caller@');
  expect(await received(pbx, 'INVITE')).toBeGreaterThanOrEqual(1);
  expect(await received(pbx, 'ACK')).toBeGreaterThanOrEqual(1);

  await operator.hangup();
  await caller.waitForEvent('CALL_CLOSED');
  expect(await received(pbx, 'BYE')).toBe(1);
});

test('a call survives a restart of the proxy: the BYE after it follows the route set through the new process', async () => {
  const pbx = await proxy();
  const caller = await registeredPhone('early', pbx);
  const operator = await registeredPhone('late', pbx, 'auto');
  await caller.dial(operator.aor);
  await caller.waitForEvent('CALL_ESTABLISHED');

  await pbx.restart();
  expect(await received(pbx, 'INVITE')).toBe(0); // a new process: its counters start again
  await caller.hangup();
  await operator.waitForEvent('CALL_CLOSED');
  expect(await received(pbx, 'BYE')).toBe(1);
  expect(await pbx.registrations()).not.toContain('late');
});

test('a proxy that keeps its location table still routes to the phones registered before its restart', async () => {
  const pbx = await proxy({ keepRegistrations: true });
  const caller = await registeredPhone('before', pbx);
  const operator = await registeredPhone('desk', pbx, 'auto');
  await pbx.restart();
  expect(await received(pbx, 'REGISTER')).toBe(0); // nobody registered with the new process
  expect(await pbx.registrations()).toContain('desk');
  await caller.dial(operator.aor);
  const answered = await operator.waitForEvent('CALL_ESTABLISHED');
  expect(answered.peeruri).toContain('sip:before@');
});

test('a call to a user nobody registered is answered 404 by the proxy', async () => {
  const pbx = await proxy();
  const caller = await registeredPhone('lonely', pbx);
  await caller.dial(`sip:nobody@${pbx.address}`);
  const closed = await caller.waitForEvent('CALL_CLOSED');
  expect(closed.param).toMatch(/404/);
});

/**
 * A stand-in IVR: answers every INVITE 486 (or `status`) and keeps what it received; answers OPTIONS
 * 200 (the dispatcher's pings) and counts them. `deaf`: answers nothing (a replica gone).
 */
async function fakeIvr(
  opts: { status?: string; deaf?: boolean } = {},
): Promise<{ port: number; invites: string[]; pings: () => number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  const invites: string[] = [];
  let pings = 0;
  socket.on('message', (buf, from) => {
    const text = buf.toString('latin1');
    const options = text.startsWith('OPTIONS ');
    if (options) pings++;
    if (!text.startsWith('INVITE ') && !options) return;
    const callId = /^Call-ID: *(.+)$/im.exec(text)?.[1];
    if (!options && !invites.some((i) => i.includes(`${callId}`))) invites.push(text);
    if (opts.deaf) return;
    const copy = text
      .split('\r\n')
      .filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
      .map((l) => (/^To:/i.test(l) ? `${l};tag=ivr1` : l));
    const status = options ? 'SIP/2.0 200 OK' : `SIP/2.0 ${opts.status ?? '486 Busy Here'}`;
    const reply = [status, ...copy, 'Content-Length: 0', '', ''].join('\r\n');
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, invites, pings: () => pings, close: () => socket.close() };
}

test("the IVR's numbers go to the IVR: a transfer code as the user, or any user at the IVR's domain", async () => {
  const ivr = await fakeIvr();
  try {
    const pbx = await proxy({ ivrUri: `sip:127.0.0.1:${ivr.port}`, ivrDomain: 'ivr.test' });
    const caller = await registeredPhone('transferee', pbx);

    await caller.dial(`sip:123456@${pbx.address}`);
    await caller.waitForEvent('CALL_CLOSED');
    const since = caller.events.length;
    await caller.dial('sip:ivr@ivr.test');
    await caller.waitForEvent('CALL_CLOSED', { since });

    expect(ivr.invites).toHaveLength(2);
    const [byCode, byDomain] = ivr.invites as [string, string];
    // The Request-URI keeps the code and names the IVR; the proxy stays in the dialog's route set.
    expect(byCode.split('\r\n')[0]).toBe(`INVITE sip:123456@127.0.0.1:${ivr.port} SIP/2.0`);
    expect(byCode).toMatch(new RegExp(`^Record-Route: <sip:127\\.0\\.0\\.1:${pbx.port};lr[^>]*>`, 'm'));
    expect(byDomain.split('\r\n')[0]).toBe(`INVITE sip:ivr@127.0.0.1:${ivr.port} SIP/2.0`);
  } finally {
    ivr.close();
  }
});

test('several IVR replicas: new calls go round robin, a 503 or a replica that answers nothing is tried on the next', async () => {
  const [a, b, draining, dead] = await Promise.all([
    fakeIvr(),
    fakeIvr(),
    fakeIvr({ status: '503 Service Unavailable' }),
    fakeIvr({ deaf: true }),
  ]);
  const ivrs = [a, b, draining, dead];
  try {
    const pbx = await proxy({ ivrUri: ivrs.map((i) => `sip:127.0.0.1:${i.port}`) });
    await waitFor('the dispatcher to ping the replicas', () => ivrs.every((i) => i.pings() >= 1));
    const caller = await registeredPhone('spread', pbx);
    for (let n = 0; n < 6; n++) {
      const since = caller.events.length;
      await caller.dial(`sip:12345${n}@${pbx.address}`);
      await caller.waitForEvent('CALL_CLOSED', { since });
    }
    // Six calls, each answered by a or b: those the draining replica refused went on to the next, and so
    // did the one sent to the replica that answers nothing, which got no other.
    expect(dead.invites.length).toBeLessThanOrEqual(1);
    expect(a.invites.length + b.invites.length).toBe(6);
    // Both answering replicas took calls (the failovers land on the one after the failing replica).
    expect(a.invites.length).toBeGreaterThanOrEqual(1);
    expect(b.invites.length).toBeGreaterThanOrEqual(1);
    expect(draining.invites.length).toBeGreaterThanOrEqual(1);
    // Each INVITE keeps the transfer code and names the replica it was sent to.
    for (const ivr of [a, b])
      for (const invite of ivr.invites) expect(invite).toContain(`@127.0.0.1:${ivr.port} SIP/2.0`);
  } finally {
    for (const ivr of ivrs) ivr.close();
  }
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A customer on a call with an operator through the proxy, and a third phone to transfer to. */
async function operatorOnCall(pbx: Kamailio) {
  const caller = await registeredPhone('customer', pbx, 'auto');
  const operator = await registeredPhone('agent', pbx, 'auto');
  const target = await registeredPhone('desk', pbx, 'auto');
  await caller.dial(operator.aor);
  await operator.waitForEvent('CALL_ESTABLISHED');
  return { caller, operator, target };
}

test("the operator's phone blind-transfers the caller to another phone: the REFER and the new call pass the proxy", async () => {
  const pbx = await proxy();
  const { operator, target } = await operatorOnCall(pbx);

  await operator.transfer(target.aor);
  const established = await target.waitForEvent('CALL_ESTABLISHED');
  expect(established.peeruri).toContain('sip:customer@');
  expect(await received(pbx, 'REFER')).toBe(1);
  expect(await received(pbx, 'NOTIFY')).toBeGreaterThanOrEqual(1);
});

test('a proxy set to refuse REFER answers it 403: the transfer fails and the target is never called', async () => {
  const pbx = await proxy({ refuseRefer: 403 });
  const { operator, target } = await operatorOnCall(pbx);

  await operator.transfer(target.aor);
  const failed = await operator.waitForEvent('TRANSFER_FAILED');
  expect(failed.param).toMatch(/403/);
  expect(await received(pbx, 'REFER')).toBe(1);
  expect(await received(pbx, 'INVITE')).toBe(1);
  expect(target.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
  // (baresip's transfer then hangs the call up itself: a BYE follows through the proxy.)
});

test('with TLS on, the proxy answers SIP over TLS 1.2+ with the certificate of scripts/certs.sh', async () => {
  const pbx = await proxy({ tls: true });
  const certs = process.env.IVR_CERTS_DIR ?? '';
  const socket = tls.connect({
    host: '127.0.0.1',
    port: pbx.tlsPort ?? 0,
    servername: 'kamailio',
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    minVersion: 'TLSv1.2',
  });
  try {
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    expect(socket.getPeerCertificate().subject.CN).toBe('kamailio');
    const answer = new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
    const local = `127.0.0.1:${socket.localPort}`;
    socket.write(
      [
        `OPTIONS sip:127.0.0.1:${pbx.tlsPort};transport=tls SIP/2.0`,
        `Via: SIP/2.0/TLS ${local};branch=z9hG4bKtls1;rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@${local}>;tag=p1`,
        `To: <sip:127.0.0.1:${pbx.tlsPort}>`,
        'Call-ID: tls-probe-1',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    expect((await answer).split('\r\n')[0]).toBe('SIP/2.0 200 Keepalive');
  } finally {
    socket.destroy();
  }
});
