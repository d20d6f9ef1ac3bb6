/**
 * Property-based fuzzing (fast-check) of every parser that reads bytes from outside the system:
 * SIP (datagrams and TCP framing), SDP, RTP and RFC 4733 telephone-events, and the event envelope.
 * Each parser must never throw, must reject garbage with a reason, and must give back what its
 * serializer wrote.
 *
 *   tsx tools/fuzz/src/parsers.ts [--runs N] [--seconds S] [--seed N]
 *
 * --runs is per property; --seconds bounds each property's wall time. Exits 1 on any failure.
 */
import { parseEnvelope } from '@ivr/contracts';
import { parseRtp, parseTelephoneEvent, serializeRtp, serializeTelephoneEvent } from '@ivr/media';
import { buildAnswer, negotiate, parseMessage, parseSdp, StreamFramer, serialize } from '@ivr/sip';
import fc from 'fast-check';
import { sdpOffer, sipMessage, sipMutation, validEnvelope } from './arbitraries';
import { type Property, parseArgs, runProperties } from './run-properties';

const reasonGiven = (text: unknown): boolean => typeof text === 'string' && text.length > 0;

const properties: Property[] = [
  {
    name: 'sip: random bytes never throw, rejection has a reason',
    property: fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const r = parseMessage(Buffer.from(bytes));
      return r.ok || reasonGiven(r.error);
    }),
  },
  {
    name: 'sip: serialize then parse gives the message back',
    property: fc.property(sipMessage, (msg) => {
      const r = parseMessage(serialize(msg));
      if (!r.ok) throw new Error(`valid message rejected: ${r.error}`);
      const got = r.message;
      const same =
        got.kind === msg.kind &&
        got.body.equals(msg.body) &&
        JSON.stringify(got.headers.filter((h) => h.name !== 'Content-Length')) === JSON.stringify(msg.headers) &&
        (got.kind === 'request' && msg.kind === 'request'
          ? got.method === msg.method && got.uri === msg.uri
          : got.kind === 'response' &&
            msg.kind === 'response' &&
            got.status === msg.status &&
            got.reason === msg.reason);
      return same;
    }),
  },
  {
    name: 'sip: mutated valid messages never throw',
    property: fc.property(sipMutation, (bytes) => {
      const r = parseMessage(bytes);
      return r.ok || reasonGiven(r.error);
    }),
  },
  {
    name: 'sip tcp: any chunking of any bytes never throws, frames stay within the limit',
    property: fc.property(fc.array(fc.uint8Array({ maxLength: 512 }), { maxLength: 8 }), (chunks) => {
      const framer = new StreamFramer(1024);
      for (const chunk of chunks) {
        const r = framer.push(Buffer.from(chunk));
        if (r.frames.some((f) => f.length > 1024)) return false;
        if (r.error !== undefined) return reasonGiven(r.error);
      }
      return true;
    }),
  },
  {
    name: 'sip tcp: serialized messages split anywhere come out whole',
    property: fc.property(fc.array(sipMessage, { minLength: 1, maxLength: 3 }), fc.nat(), (msgs, cutSeed) => {
      const wire = Buffer.concat(msgs.map(serialize));
      const cut = cutSeed % (wire.length + 1);
      const framer = new StreamFramer(1 << 20);
      const frames = [...framer.push(wire.subarray(0, cut)).frames, ...framer.push(wire.subarray(cut)).frames];
      return frames.length === msgs.length && Buffer.concat(frames).equals(wire);
    }),
  },
  {
    name: 'sdp: random text never throws, rejection has a reason',
    property: fc.property(fc.string({ unit: 'binary', maxLength: 1024 }), (text) => {
      const r = parseSdp(text);
      return r.ok || reasonGiven(r.error);
    }),
  },
  {
    name: 'sdp: random lines after v=0 never throw',
    property: fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 20 }), (lines) => {
      const r = negotiate(['v=0', ...lines].join('\r\n'));
      return r.ok || reasonGiven(r.detail);
    }),
  },
  {
    name: 'sdp: a usable offer negotiates, and the answer built for it parses and negotiates back',
    property: fc.property(sdpOffer, ({ text, port }) => {
      const n = negotiate(text);
      if (!n.ok) throw new Error(`usable offer refused: ${n.reason} ${n.detail}`);
      if (n.choice.remote.port !== port) return false;
      const answer = buildAnswer(
        n.offer,
        n.choice,
        { address: '127.0.0.1', port: 40000 },
        { sessionId: '1', sessionVersion: 1 },
      );
      const back = negotiate(answer);
      return (
        back.ok && back.choice.remote.port === 40000 && back.choice.codec.payloadType === n.choice.codec.payloadType
      );
    }),
  },
  {
    name: 'rtp: random datagrams never throw, payload stays inside the datagram',
    property: fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => {
      const r = parseRtp(bytes);
      if (!r.ok) return reasonGiven(r.error);
      return r.packet.payload.byteLength <= bytes.length - 12;
    }),
  },
  {
    name: 'rtp: serialize then parse gives the header and payload back',
    property: fc.property(
      fc.record({
        marker: fc.boolean(),
        payloadType: fc.integer({ min: 0, max: 71 }),
        sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
        timestamp: fc.integer({ min: 0, max: 0xffffffff }),
        ssrc: fc.integer({ min: 0, max: 0xffffffff }),
      }),
      fc.uint8Array({ maxLength: 320 }),
      (header, payload) => {
        const r = parseRtp(serializeRtp(header, payload));
        if (!r.ok) throw new Error(`own packet rejected: ${r.error}`);
        const p = r.packet;
        return (
          p.marker === header.marker &&
          p.payloadType === header.payloadType &&
          p.sequenceNumber === header.sequenceNumber &&
          p.timestamp === header.timestamp &&
          p.ssrc === header.ssrc &&
          Buffer.from(p.payload).equals(Buffer.from(payload))
        );
      },
    ),
  },
  {
    name: 'rfc4733: random payloads never throw; serialize then parse gives the event back',
    property: fc.property(
      fc.uint8Array({ maxLength: 16 }),
      fc.record({
        event: fc.integer({ min: 0, max: 255 }),
        end: fc.boolean(),
        volume: fc.integer({ min: 0, max: 63 }),
        duration: fc.integer({ min: 0, max: 0xffff }),
      }),
      (bytes, event) => {
        const r = parseTelephoneEvent(bytes);
        if (!r.ok && !reasonGiven(r.error)) return false;
        const back = parseTelephoneEvent(serializeTelephoneEvent(event));
        return back.ok && JSON.stringify(back.event) === JSON.stringify(event);
      },
    ),
  },
  {
    name: 'envelope: random text and JSON never throw, rejection has a reason',
    property: fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
      const r = parseEnvelope(text);
      return r.ok || reasonGiven(r.reason);
    }),
  },
  {
    name: 'envelope: a valid envelope round-trips; breaking any field is rejected with a reason',
    property: fc.property(
      validEnvelope,
      fc.constantFrom('specVersion', 'eventId', 'type', 'version', 'occurredAt', 'payload'),
      fc.constantFrom<unknown>(undefined, null, 0, -1, '', 'x', [], true),
      (env, field, bad) => {
        const r = parseEnvelope(Buffer.from(JSON.stringify(env)));
        if (!r.ok || JSON.stringify(r.envelope) !== JSON.stringify(env)) return false;
        const broken = parseEnvelope(JSON.stringify({ ...env, [field]: bad }));
        // Some replacements are still valid for some fields (e.g. [] as payload): only require a reason on rejection.
        return broken.ok || reasonGiven(broken.reason);
      },
    ),
  },
];

const summary = runProperties(properties, parseArgs(process.argv.slice(2), { runs: 2000, seconds: 30 }));
process.exitCode = summary.failures === 0 ? 0 : 1;
