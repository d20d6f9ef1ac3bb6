import { header, headerValues } from '../src/message';
import { parseMessage } from '../src/parser';
import { serialize } from '../src/serializer';
import { StreamFramer } from '../src/stream-framer';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

const INVITE = [
  'INVITE sip:TC123@ivr.example.com SIP/2.0',
  'v: SIP/2.0/UDP pbx.example.com:5060;branch=z9hG4bK776asdhds, SIP/2.0/UDP edge.example.com;branch=z9hG4bKx',
  'Via: SIP/2.0/UDP phone.example.com;branch=z9hG4bKy',
  'Max-Forwards: 70',
  'f: "Alice" <sip:alice@example.com>;tag=1928301774',
  't: <sip:TC123@ivr.example.com>',
  'i: a84b4c76e66710@pc33.example.com',
  'cseq: 314159 INVITE',
  'm: <sip:alice@pc33.example.com>',
  'Subject: a folded',
  '  header value',
  'X-Transfer-Code: 4711',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\n',
];

test('compact forms, case-insensitive names and folded lines are understood', () => {
  const r = parseMessage(crlf(INVITE));
  if (!r.ok) throw new Error(r.error);
  const m = r.message;
  expect(m.kind).toBe('request');
  expect(header(m, 'call-id')).toBe('a84b4c76e66710@pc33.example.com');
  expect(header(m, 'CALL-ID')).toBe(header(m, 'i'));
  expect(header(m, 'From')).toBe('"Alice" <sip:alice@example.com>;tag=1928301774');
  expect(header(m, 'Subject')).toBe('a folded header value');
  expect(header(m, 'x-transfer-code')).toBe('4711');
  expect(m.body.toString()).toBe('v=0\r');
});

test('a header repeated and comma-separated yields every value in order', () => {
  const r = parseMessage(crlf(INVITE));
  if (!r.ok) throw new Error(r.error);
  expect(headerValues(r.message, 'Via')).toEqual([
    'SIP/2.0/UDP pbx.example.com:5060;branch=z9hG4bK776asdhds',
    'SIP/2.0/UDP edge.example.com;branch=z9hG4bKx',
    'SIP/2.0/UDP phone.example.com;branch=z9hG4bKy',
  ]);
});

test('commas inside quotes and angle brackets do not split a list value', () => {
  const r = parseMessage(
    crlf([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP a;branch=z9hG4bK1',
      'From: <sip:a@b>;tag=1',
      'To: <sip:c@d>;tag=2',
      'Call-ID: x',
      'CSeq: 1 INVITE',
      'Contact: "Doe, John" <sip:j@h;x=a,b>, <sip:k@h>',
      '',
      '',
    ]),
  );
  if (!r.ok) throw new Error(r.error);
  expect(r.message.kind).toBe('response');
  expect(headerValues(r.message, 'Contact')).toEqual(['"Doe, John" <sip:j@h;x=a,b>', '<sip:k@h>']);
});

test('serialize then parse gives the same message, with Content-Length computed', () => {
  const r = parseMessage(crlf(INVITE));
  if (!r.ok) throw new Error(r.error);
  const again = parseMessage(serialize(r.message));
  if (!again.ok) throw new Error(again.error);
  expect(again.message).toEqual(r.message);
  expect(serialize(r.message).toString('latin1')).toContain('Content-Length: 4\r\n');
});

describe('malformed input gives an error, never an exception', () => {
  const base = INVITE.slice(0, 14)
    .concat(['', ''])
    .map((l) => (l.startsWith('l:') ? 'l: 0' : l));
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['binary noise', Buffer.from([0, 255, 1, 2, 13, 10, 13, 10, 7])],
    ['no blank line', crlf(base.slice(0, 5))],
    ['bad start line', crlf(['HELLO THERE', ...base.slice(1)])],
    ['header without colon', crlf([...base.slice(0, 3), 'NoColonHere', ...base.slice(3)])],
    ['missing Call-ID', crlf(base.filter((l) => !l.startsWith('i:')))],
    ['CSeq method mismatch', crlf(base.map((l) => (l.startsWith('cseq') ? 'CSeq: 1 BYE' : l)))],
    ['CSeq not a number', crlf(base.map((l) => (l.startsWith('cseq') ? 'CSeq: x INVITE' : l)))],
    ['negative Content-Length', crlf(base.map((l) => (l.startsWith('l:') ? 'l: -5' : l)))],
    ['body shorter than Content-Length', crlf(base.map((l) => (l.startsWith('l:') ? 'l: 500' : l)))],
    ['invalid Via', crlf(base.map((l) => (l.startsWith('v:') ? 'v: nonsense' : l)))],
    [
      'too many headers',
      crlf([...base.slice(0, 3), ...Array.from({ length: 200 }, (_, i) => `X-${i}: y`), ...base.slice(3)]),
    ],
  ];
  test.each(cases)('%s', (_name, buf) => {
    const r = parseMessage(buf);
    expect(r.ok).toBe(false);
  });

  test('what could be read is kept so that a 400 can still be addressed', () => {
    const r = parseMessage(crlf(base.map((l) => (l.startsWith('cseq') ? 'CSeq: x INVITE' : l))));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.startLine).toMatch(/^INVITE /);
    expect(r.headers.some((h) => h.name === 'Via')).toBe(true);
  });
});

describe('TCP framing by Content-Length', () => {
  const msg = serialize({
    kind: 'request',
    method: 'OPTIONS',
    uri: 'sip:ivr@h',
    headers: [
      { name: 'Via', value: 'SIP/2.0/TCP a;branch=z9hG4bK1' },
      { name: 'From', value: '<sip:a@b>;tag=1' },
      { name: 'To', value: '<sip:c@d>' },
      { name: 'Call-ID', value: 'x' },
      { name: 'CSeq', value: '1 OPTIONS' },
    ],
    body: Buffer.from('hello'),
  });

  test('messages split across chunks and glued together come out whole', () => {
    const framer = new StreamFramer(4096);
    const stream = Buffer.concat([Buffer.from('\r\n\r\n'), msg, msg, msg]);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...framer.push(stream.subarray(i, i + 7)).frames);
    expect(out).toHaveLength(3);
    for (const f of out) expect(f.equals(msg)).toBe(true);
  });

  test('a message without Content-Length breaks the stream', () => {
    const framer = new StreamFramer(4096);
    const noLength = Buffer.from(msg.toString('latin1').replace(/Content-Length: 5\r\n/, ''), 'latin1');
    expect(framer.push(noLength).error).toMatch(/Content-Length/);
  });

  test('a message larger than the limit breaks the stream, even before its end arrives', () => {
    expect(new StreamFramer(100).push(msg).error).toMatch(/size/);
    expect(new StreamFramer(100).push(Buffer.alloc(200, 0x41)).error).toMatch(/size/);
  });
});

test('thousands of random mutations of a valid message never make the parser throw', () => {
  // Seeded so that a failure can be replayed.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const valid = crlf(INVITE);
  let rejected = 0;
  for (let i = 0; i < 5000; i++) {
    const buf = Buffer.from(valid);
    const edits = 1 + Math.floor(random() * 8);
    for (let e = 0; e < edits; e++) buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    const cut = random() < 0.2 ? buf.subarray(0, Math.floor(random() * buf.length)) : buf;
    const r = parseMessage(cut);
    if (!r.ok) rejected++;
  }
  // Most mutations break something; the point is that none of them throws.
  expect(rejected).toBeGreaterThan(1000);
});
