// SIP over TLS (issue 17, item 2) with the certificates of scripts/certs.sh: an SBC with a certificate of
// the CA calls over TLS (sips:), gets a sips: Contact and the IVR's BYE on the same connection; a client
// with a self-signed certificate, or none, or only TLS 1.1 is refused at the handshake, counted, and the
// agent goes on serving.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { type IncomingCall, parseMessage, type SipResponse, SipUserAgent } from '../src';
import { header } from '../src/message';
import { StreamFramer } from '../src/stream-framer';

const certs = process.env.IVR_CERTS_DIR ?? '';
const read = (name: string) => fs.readFileSync(path.join(certs, name));
let ua: SipUserAgent;
const calls: IncomingCall[] = [];
const sockets: tls.TLSSocket[] = [];

beforeEach(async () => {
  ua = new SipUserAgent({
    host: '127.0.0.1',
    port: 0,
    tcp: true,
    tls: {
      port: 0,
      key: read('call-control.key'),
      cert: read('call-control.crt'),
      ca: read('ca.crt'),
      requireClientCertificate: true,
    },
  });
  ua.on('incomingCall', (call) => calls.push(call));
  await ua.start();
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  calls.splice(0);
  await ua.stop();
});

/** A TLS client that collects every SIP message it receives. */
async function connect(opts: tls.ConnectionOptions) {
  const socket = tls.connect({
    host: '127.0.0.1',
    port: ua.tlsPort ?? 0,
    servername: 'call-control',
    ca: read('ca.crt'),
    ...opts,
  });
  sockets.push(socket);
  const received: string[] = [];
  const framer = new StreamFramer(65_536);
  socket.on('data', (chunk) => {
    for (const frame of framer.push(chunk).frames) received.push(frame.toString('latin1'));
  });
  socket.on('error', () => {});
  const outcome = await new Promise<'connected' | 'refused'>((resolve) => {
    socket.once('secureConnect', () => {
      // TLS 1.3: the server's verdict on our certificate arrives after the client's handshake is done.
      setTimeout(() => resolve(socket.destroyed ? 'refused' : 'connected'), 200);
    });
    socket.once('error', () => resolve('refused'));
    socket.once('close', () => resolve('refused'));
  });
  return { socket, received, outcome };
}

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';

function invite(local: string): string {
  return [
    `INVITE sips:123456@127.0.0.1:${ua.tlsPort} SIP/2.0`,
    `Via: SIP/2.0/TLS ${local};branch=z9hG4bKtls1;rport`,
    'Max-Forwards: 70',
    `From: <sips:sbc@${local}>;tag=sbc`,
    `To: <sips:123456@127.0.0.1:${ua.tlsPort}>`,
    'Call-ID: tls-call-1',
    'CSeq: 1 INVITE',
    `Contact: <sips:sbc@${local}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${SDP.length}`,
    '',
    SDP,
  ].join('\r\n');
}

const until = async (what: string, predicate: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

function responses(received: string[]): SipResponse[] {
  return received
    .map((r) => parseMessage(Buffer.from(r, 'latin1')))
    .flatMap((r) => (r.ok && r.message.kind === 'response' ? [r.message] : []));
}

test('an SBC with a certificate of the CA calls over TLS: sips: Contact, and the BYE comes back on its connection', async () => {
  const sbc = await connect({ key: read('kamailio.key'), cert: read('kamailio.crt'), minVersion: 'TLSv1.2' });
  expect(sbc.outcome).toBe('connected');
  expect(sbc.socket.getPeerCertificate().subject.CN).toBe('call-control');
  sbc.socket.write(invite(`127.0.0.1:${sbc.socket.localPort}`));
  await until('the call', () => calls.length === 1);
  const [call] = calls as [IncomingCall];
  expect(call.transport).toBe('TLS');
  const answered = call.answer({ address: '127.0.0.1', port: 40_000 });
  await until('200 OK', () => responses(sbc.received).some((r) => r.status === 200));
  const ok = responses(sbc.received).find((r) => r.status === 200);
  expect(header(ok as SipResponse, 'Contact')).toBe(`<sips:ivr@127.0.0.1:${ua.tlsPort}>`);
  sbc.socket.write(
    [
      `ACK sips:ivr@127.0.0.1:${ua.tlsPort} SIP/2.0`,
      `Via: SIP/2.0/TLS 127.0.0.1:${sbc.socket.localPort};branch=z9hG4bKtlsack;rport`,
      'Max-Forwards: 70',
      `From: <sips:sbc@127.0.0.1>;tag=sbc`,
      `${header(ok as SipResponse, 'To')}`.replace(/^/, 'To: '),
      'Call-ID: tls-call-1',
      'CSeq: 1 ACK',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  await answered;
  void call.hangup();
  await until('the BYE', () => sbc.received.some((m) => m.startsWith('BYE ')));
  expect(sbc.received.find((m) => m.startsWith('BYE '))).toMatch(/^Via: SIP\/2\.0\/TLS /m);
});

test('a self-signed client certificate, no certificate, or TLS 1.1 only: handshake refused, counted, the agent serves on', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sip-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=intruder',
        '-days',
        '1',
        '-keyout',
        path.join(dir, 'k.pem'),
        '-out',
        path.join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const selfSigned = await connect({
      key: fs.readFileSync(path.join(dir, 'k.pem')),
      cert: fs.readFileSync(path.join(dir, 'c.pem')),
    });
    const anonymous = await connect({});
    const old = await connect({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect([selfSigned.outcome, anonymous.outcome, old.outcome]).toEqual(['refused', 'refused', 'refused']);
    await until('three failures counted', () => ua.stats().tlsHandshakeFailures === 3);
    expect(ua.stats().refused['tls-handshake']).toBe(3);
    const sbc = await connect({ key: read('kamailio.key'), cert: read('kamailio.crt') });
    expect(sbc.outcome).toBe('connected');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with clientNames, a certificate of the CA that names none of them is refused (another service, an order system); the SBC is served', async () => {
  const strict = new SipUserAgent({
    host: '127.0.0.1',
    port: 0,
    tcp: true,
    tls: {
      port: 0,
      key: read('call-control.key'),
      cert: read('call-control.crt'),
      ca: read('ca.crt'),
      requireClientCertificate: true,
      clientNames: ['sbc.example', 'kamailio'],
    },
  });
  await strict.start();
  try {
    const to = { port: strict.tlsPort ?? 0 };
    const service = await connect({ ...to, key: read('order-link.key'), cert: read('order-link.crt') });
    const orderSystem = await connect({ ...to, key: read('order-system.key'), cert: read('order-system.crt') });
    expect([service.outcome, orderSystem.outcome]).toEqual(['refused', 'refused']);
    await until('two refusals counted', () => strict.stats().refused['tls-handshake'] === 2);
    const sbc = await connect({ ...to, key: read('kamailio.key'), cert: read('kamailio.crt') });
    expect(sbc.outcome).toBe('connected');
  } finally {
    await strict.stop();
  }
});
