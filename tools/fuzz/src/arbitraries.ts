// Generators of valid inputs (to check round trips) and of damaged ones built from them (to reach
// deeper than random bytes do).
import type { EventEnvelope } from '@ivr/contracts';
import type { SipHeader, SipMessage } from '@ivr/sip';
import { serialize } from '@ivr/sip';
import fc from 'fast-check';

const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.!%*_+`'~-]{0,15}$/);
/** A header value as the parser gives it back: printable, no surrounding blanks, no line breaks. */
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,40}[!-~])?$/);
const host = fc.constantFrom('127.0.0.1', 'pbx.example.com', '[::1]', 'ivr');
const method = fc.stringMatching(/^[A-Z]{3,9}$/);

const mandatory = (cseqMethod: string) =>
  fc
    .tuple(host, fc.integer({ min: 1, max: 65535 }), token, token, token, fc.integer({ min: 1, max: 2 ** 31 - 1 }))
    .map(([h, port, branch, tag, callId, seq]): SipHeader[] => [
      { name: 'Via', value: `SIP/2.0/UDP ${h}:${port};branch=z9hG4bK${branch}` },
      { name: 'From', value: `<sip:caller@${h}>;tag=${tag}` },
      { name: 'To', value: `<sip:ivr@${h}>` },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: `${seq} ${cseqMethod}` },
    ]);
const extraHeaders = fc.array(fc.record({ name: token.map((t) => `X-${t}`), value: headerValue }), { maxLength: 6 });
const body = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));

const request = method.chain((m) =>
  fc.record({
    kind: fc.constant('request' as const),
    method: fc.constant(m),
    uri: fc.tuple(token, host).map(([u, h]) => `sip:${u}@${h}`),
    headers: fc.tuple(mandatory(m), extraHeaders).map(([a, b]) => [...a, ...b]),
    body,
  }),
);
const response = fc.record({
  kind: fc.constant('response' as const),
  status: fc.integer({ min: 100, max: 699 }),
  reason: fc.stringMatching(/^[ -~]{0,30}$/),
  headers: fc.tuple(method, extraHeaders).chain(([m, extra]) => mandatory(m).map((h) => [...h, ...extra])),
  body,
});

export const sipMessage: fc.Arbitrary<SipMessage> = fc.oneof(request, response);

/** A valid message's bytes, then flipped, inserted, deleted bytes or a cut. */
export const sipMutation: fc.Arbitrary<Buffer> = fc
  .tuple(
    sipMessage,
    fc.array(
      fc.record({
        kind: fc.constantFrom('flip', 'insert', 'delete', 'cut'),
        at: fc.nat(),
        byte: fc.constantFrom(0, 0x0a, 0x0d, 0x20, 0x3a, 0x3b, 0x2c, 0x3c, 0x22, 0xff, 0x30, 0x39),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([msg, edits]) => {
    let bytes = Buffer.from(serialize(msg));
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length;
      if (e.kind === 'flip') bytes[at] = e.byte;
      else if (e.kind === 'insert')
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.of(e.byte), bytes.subarray(at)]);
      else if (e.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      else bytes = bytes.subarray(0, at);
    }
    return bytes;
  });

/** An offer call-control must accept: one usable audio stream, maybe beside others, in any order. */
export const sdpOffer = fc
  .record({
    port: fc.integer({ min: 1, max: 65535 }),
    codec: fc.constantFrom({ pt: 0, name: 'PCMU' }, { pt: 8, name: 'PCMA' }),
    tePt: fc.integer({ min: 96, max: 127 }),
    ptime: fc.option(fc.constantFrom(10, 20, 30), { nil: undefined }),
    direction: fc.option(fc.constantFrom('sendrecv', 'sendonly', 'recvonly'), { nil: undefined }),
    videoFirst: fc.boolean(),
    crlf: fc.boolean(),
  })
  .map((o) => {
    const lines = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];
    if (o.videoFirst) lines.push('m=video 5000 RTP/AVP 96', 'a=rtpmap:96 H264/90000');
    lines.push(`m=audio ${o.port} RTP/AVP ${o.codec.pt} ${o.tePt}`, `a=rtpmap:${o.codec.pt} ${o.codec.name}/8000`);
    lines.push(`a=rtpmap:${o.tePt} telephone-event/8000`, `a=fmtp:${o.tePt} 0-16`);
    if (o.ptime) lines.push(`a=ptime:${o.ptime}`);
    if (o.direction) lines.push(`a=${o.direction}`);
    return { text: lines.join(o.crlf ? '\r\n' : '\n'), port: o.port };
  });

export const validEnvelope: fc.Arbitrary<EventEnvelope> = fc.record(
  {
    specVersion: fc.constant(1 as const),
    eventId: fc.uuid(),
    type: token,
    aggregateType: token,
    aggregateId: token,
    version: fc.integer({ min: 1, max: 2 ** 31 }),
    occurredAt: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
    correlationId: token,
    causationId: token,
    payload: fc.dictionary(token, fc.jsonValue()),
  },
  {
    requiredKeys: [
      'specVersion',
      'eventId',
      'type',
      'aggregateType',
      'aggregateId',
      'version',
      'occurredAt',
      'payload',
    ],
  },
);
