// SRTP cost per packet on the vault's media path, beside the plain-RTP ceiling of the same run: what
// intake does to each received datagram (copy it, unprotect, parse) and playout to each sent packet
// (serialize, protect), with AES-128 counter mode and HMAC-SHA1 on node:crypto (@ivr/media's SrtpLeg),
// both tag lengths. Packets are G.711 frames (12-byte header, 160 bytes of audio), one SSRC, fresh
// sequence numbers (the replay window sees each index once). CPU time per packet, median of several
// rounds; the share of a core is for 1,000 sessions at 50 packets/s each way.
// Run: make bench-vault (this part alone: tsx bench/vault-srtp.ts)
import {
  answerSdes,
  PLAIN_RTP,
  parseRtp,
  type RtpProtection,
  SdesOffer,
  type SrtpLeg,
  type SrtpSuite,
  serializeRtp,
} from '@ivr/media';
import { fmt, printTable } from './stats';

const PACKETS = 20_000;
const ROUNDS = Number(process.env.SRTP_BENCH_ROUNDS ?? 7);
/** 1,000 sessions at 50 packets/s: one direction of the vault's media at its design load. */
const PACKETS_PER_SECOND_EACH_WAY = 1000 * 50;
const payload = Buffer.alloc(160, 0xd5);

const packet = (seq: number) =>
  serializeRtp({ payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: seq * 160, ssrc: 0x5eed }, payload);

/** Two legs that talk to each other: `phone` protects what `vault` unprotects, and the other way round. */
function legs(suite: SrtpSuite): { vault: SrtpLeg; phone: SrtpLeg } {
  const offer = new SdesOffer([suite]);
  const answer = answerSdes(offer.attributes);
  if (!answer.ok) throw new Error('SDES refused');
  const accepted = offer.accept(answer.attribute);
  if (!accepted.ok) throw new Error('SDES answer refused');
  return { vault: answer.leg, phone: accepted.leg };
}

/**
 * Median CPU ns per packet of `run` over ROUNDS rounds of PACKETS packets (`prepare` makes each round's
 * state). CPU time, not wall time: on a shared machine the time other processes take does not count.
 */
function nsPerPacket<S>(prepare: () => S, run: (state: S, i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const state = prepare();
    const start = process.cpuUsage();
    for (let i = 0; i < PACKETS; i++) run(state, i);
    const used = process.cpuUsage(start);
    const ns = ((used.user + used.system) * 1000) / PACKETS;
    if (r > 0) rounds.push(ns); // the first round warms the JIT up
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)] as number;
}

/** Intake: each datagram copied into the socket's buffer (as it arrives), unprotected, parsed. */
function intake(protection: () => { leg: RtpProtection; wire: Buffer[] }): number {
  const scratch = Buffer.alloc(2048);
  return nsPerPacket(protection, ({ leg, wire }, i) => {
    const datagram = wire[i] as Buffer;
    scratch.set(datagram);
    const view = scratch.subarray(0, datagram.length);
    const r = leg.unprotect(view);
    if (!r.ok || !parseRtp(view.subarray(0, r.length)).ok) throw new Error('packet refused');
  });
}

/** Playout: each packet serialized, then protected for the wire. */
function playout(leg: () => RtpProtection): number {
  return nsPerPacket(leg, (l, i) => {
    l.protect(packet(i));
  });
}

function srtpWire(suite: SrtpSuite): () => { leg: RtpProtection; wire: Buffer[] } {
  return () => {
    const { vault, phone } = legs(suite);
    return { leg: vault, wire: Array.from({ length: PACKETS }, (_, i) => phone.protect(packet(i))) };
  };
}

function main(): void {
  const plainWire = Array.from({ length: PACKETS }, (_, i) => packet(i));
  const rows: Array<[string, number]> = [
    ['intake, plain RTP (ceiling: copy + parse)', intake(() => ({ leg: PLAIN_RTP, wire: plainWire }))],
    ['intake, SRTP AES_CM_128_HMAC_SHA1_80', intake(srtpWire('AES_CM_128_HMAC_SHA1_80'))],
    ['intake, SRTP AES_CM_128_HMAC_SHA1_32', intake(srtpWire('AES_CM_128_HMAC_SHA1_32'))],
    ['playout, plain RTP (ceiling: serialize)', playout(() => PLAIN_RTP)],
    ['playout, SRTP AES_CM_128_HMAC_SHA1_80', playout(() => legs('AES_CM_128_HMAC_SHA1_80').vault)],
    ['playout, SRTP AES_CM_128_HMAC_SHA1_32', playout(() => legs('AES_CM_128_HMAC_SHA1_32').vault)],
  ];
  printTable(
    `SRTP per packet, CPU time (172-byte G.711 packets, median of ${ROUNDS} rounds of ${PACKETS}; share of a core at 1,000 sessions, 50 packets/s each way)`,
    rows.map(([name, ns]) => [
      name,
      `${fmt(ns / 1000, 2)} µs/packet, ${fmt(1e9 / ns / 1000, 0)} k packets/s per core, ${fmt((ns * PACKETS_PER_SECOND_EACH_WAY) / 1e7, 1)} % of a core at 1,000 sessions`,
    ]),
  );
}

main();
