// TCP specifics against a real socket: broken framing closes the connection (counted, process
// fine), and a call whose connection drops ends with `transport-error`.
import net from 'node:net';
import { type EndReason, SipUserAgent } from '../src';

let ua: SipUserAgent;

beforeEach(async () => {
  ua = new SipUserAgent({ host: '127.0.0.1', port: 0, tcp: true });
  await ua.start();
});

afterEach(() => ua.stop());

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(ua.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

function received(socket: net.Socket, text: string): Promise<string> {
  let all = '';
  return new Promise((resolve) => {
    socket.on('data', (d) => {
      all += d.toString('latin1');
      if (all.includes(text)) resolve(all);
    });
  });
}

function invite(socket: net.Socket, callId: string): string {
  const body =
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    'm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';
  return [
    `INVITE sip:TC@127.0.0.1:${ua.port};transport=tcp SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:${socket.localPort};branch=z9hG4bK${callId}`,
    'From: <sip:pbx@127.0.0.1>;tag=p',
    'To: <sip:TC@127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:pbx@127.0.0.1:${socket.localPort};transport=tcp>`,
    'Content-Type: application/sdp',
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

test('a message without Content-Length breaks the framing: the connection is closed and counted', async () => {
  const socket = await connect();
  const gone = closed(socket);
  socket.write('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n');
  await gone;
  expect(ua.stats().malformed).toBe(1);
  const again = await connect();
  const reply = received(again, '200 OK');
  again.write(
    invite(again, 'after')
      .replace('INVITE', 'OPTIONS')
      .replace(/CSeq: 1 INVITE/, 'CSeq: 1 OPTIONS'),
  );
  expect(await reply).toContain('SIP/2.0 200 OK');
  again.destroy();
});

test('an answered call ends with transport-error when its TCP connection drops', async () => {
  const socket = await connect();
  const ended = new Promise<EndReason>((resolve) => {
    ua.once('incomingCall', (call) => {
      call.once('ended', resolve);
      call.answer({ address: '127.0.0.1', port: 40000 }).catch(() => {});
    });
  });
  const ok = received(socket, 'SIP/2.0 200 OK');
  socket.write(invite(socket, 'drop'));
  await ok;
  socket.destroy();
  expect(await ended).toBe('transport-error');
  expect(ua.activeCalls).toBe(0);
});
