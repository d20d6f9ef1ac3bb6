// The caller's side of a SIPp payment call (bench/sipp/payment-call.xml): the keys a phone sends as
// RFC 4733 telephone-events, written as pcap files SIPp plays (`play_pcap_audio`), and when to play
// each. SIPp does not hear the prompts, so the schedule comes from the prompts' recorded lengths: each
// field is keyed a margin after its prompt should have ended. Keys that arrive early (before the
// vault's capture for the field runs) are dropped by the vault; late ones have the field's
// first-digit timeout (8-15 s) to spare, so the margin errs late.
//
//   tsx bench/sipp/caller-media.ts [dir]   writes the pcaps and prints the schedule (for a manual run)
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APPROVED_TEST_PAN } from '../../test/fixtures/test-cards';

/** Like a phone (and the project's own UAC, bench/calls/rate.ts): a key held 120 ms, then 80 ms apart. */
export const KEY_PACING = { toneMs: 120, gapMs: 80 };
const FRAME_MS = 20;
const SAMPLES_PER_MS = 8;
const PT_EVENT = 101;
const EVENT_CODE: Record<string, number> = { '*': 10, '#': 11 };

/** One RTP telephone-event packet (RFC 4733 §2.3): event, end bit, volume -10 dBm0, duration. */
export function telephoneEventPacket(p: {
  event: number;
  first: boolean;
  end: boolean;
  duration: number;
  seq: number;
  timestamp: number;
  ssrc: number;
}): Buffer {
  const packet = Buffer.alloc(16);
  packet[0] = 0x80;
  packet[1] = (p.first ? 0x80 : 0) | PT_EVENT;
  packet.writeUInt16BE(p.seq & 0xffff, 2);
  packet.writeUInt32BE(p.timestamp >>> 0, 4);
  packet.writeUInt32BE(p.ssrc >>> 0, 8);
  packet[12] = p.event;
  packet[13] = (p.end ? 0x80 : 0) | 10;
  packet.writeUInt16BE(p.duration & 0xffff, 14);
  return packet;
}

/** A caller's RTP stream: sequence numbers and timestamps run on across every field of the call. */
export interface EventStream {
  seq: number;
  timestamp: number;
  ssrc: number;
}

/**
 * The packets of keying `digits` as a phone does: per key one packet every 20 ms while it is held
 * (the first with the marker bit), then three end packets, then the gap. `atMs` is from the first packet.
 */
export function keyPackets(digits: string, stream: EventStream): Array<{ atMs: number; rtp: Buffer }> {
  const { toneMs, gapMs } = KEY_PACING;
  const packets = Math.max(1, Math.round(toneMs / FRAME_MS));
  const out: Array<{ atMs: number; rtp: Buffer }> = [];
  let at = 0;
  for (const d of digits) {
    const event = EVENT_CODE[d] ?? Number(d);
    stream.timestamp = (stream.timestamp + SAMPLES_PER_MS * (toneMs + gapMs)) >>> 0;
    const send = (first: boolean, end: boolean, duration: number) => {
      stream.seq = (stream.seq + 1) & 0xffff;
      out.push({ atMs: at, rtp: telephoneEventPacket({ event, first, end, duration, ...stream }) });
    };
    for (let i = 1; i <= packets; i++) {
      send(i === 1, false, i * FRAME_MS * SAMPLES_PER_MS);
      if (i < packets) at += FRAME_MS;
    }
    at += FRAME_MS;
    for (let n = 0; n < 3; n++) send(false, true, packets * FRAME_MS * SAMPLES_PER_MS);
    at += gapMs;
  }
  return out;
}

/**
 * A pcap file (Ethernet, IPv4, UDP 127.0.0.1:6000 → 127.0.0.1:6000) of RTP packets at their times:
 * SIPp replays the UDP payloads with these gaps, from its media port to the port of the SDP answer.
 */
export function pcapFile(packets: Array<{ atMs: number; rtp: Buffer }>): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const records = packets.map(({ atMs, rtp }) => {
    const frame = Buffer.alloc(14 + 20 + 8 + rtp.length);
    frame.writeUInt16BE(0x0800, 12); // IPv4
    frame[14] = 0x45;
    frame.writeUInt16BE(20 + 8 + rtp.length, 16);
    frame[22] = 64; // TTL
    frame[23] = 17; // UDP
    frame.writeUInt32BE(0x7f000001, 26);
    frame.writeUInt32BE(0x7f000001, 30);
    frame.writeUInt16BE(6000, 34);
    frame.writeUInt16BE(6000, 36);
    frame.writeUInt16BE(8 + rtp.length, 38);
    rtp.copy(frame, 42);
    const record = Buffer.alloc(16);
    const us = Math.round(atMs * 1000);
    record.writeUInt32LE(Math.floor(us / 1e6), 0);
    record.writeUInt32LE(us % 1e6, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

const PROMPTS = path.join(__dirname, '..', '..', 'services', 'dtmf-vault', 'assets', 'prompts', 'en');
/** How long a recorded prompt plays (8 kHz µ-law: 8 bytes a millisecond). */
const promptMs = (...ids: string[]) =>
  ids.reduce((ms, id) => ms + statSync(path.join(PROMPTS, `${id}.ul`)).size / SAMPLES_PER_MS, 0);

/** Keying `n` keys takes this long, to the end packets of the last one. */
const keyingMs = (n: number) => n * (KEY_PACING.toneMs + KEY_PACING.gapMs) - KEY_PACING.gapMs;

/**
 * The caller's fields in the order the IVR asks for them. The amount is read back before the
 * confirmation (the benchmark's payments are 1,200 JPY in English: "The amount is one thousand two
 * hundred yen."), and "1" is keyed twice, 2.5 s apart: if the first was early, the second confirms;
 * if the first confirmed, the second lands in the card number, whose keys start with * (start over).
 * The card number ends with # (a Visa number may have 19 digits: without # the vault waits for the
 * inter-digit timeout).
 */
export function callerFields(): Array<{ name: string; keys: string; prompt: number }> {
  const expiry = `12${String((new Date().getUTCFullYear() + 1) % 100).padStart(2, '0')}`;
  const readBack = ['amount-is', 'num-1', 'num-thousand', 'num-2', 'num-hundred', 'cur-yen', 'amount-end'];
  return [
    { name: 'confirm', keys: '1', prompt: promptMs('welcome', ...readBack, 'press-1-to-confirm') },
    { name: 'card', keys: `*${APPROVED_TEST_PAN}#`, prompt: promptMs('enter-card-number') },
    { name: 'expiry', keys: expiry, prompt: promptMs('enter-expiry') },
    { name: 'cvv', keys: '123', prompt: promptMs('enter-security-code') },
  ];
}

export const CONFIRM_REPEAT_MS = 2500;

/** When each field is keyed, as pauses: after the ACK, then after each field's keys began. */
export interface CallerSchedule {
  /** Pause before each field's keys begin, from the ACK (first) or the previous field's first key. */
  waitMs: number[];
  /** From the first key of the security code to its last key's end. */
  lastKeyingMs: number;
  marginMs: number;
}

/**
 * Writes confirm.pcap, card.pcap, expiry.pcap and cvv.pcap into `dir` (one RTP stream across them)
 * and returns when to play each, `marginMs` after its prompt should have ended.
 */
export function writeCallerMedia(dir: string, marginMs: number): CallerSchedule {
  mkdirSync(dir, { recursive: true });
  const stream: EventStream = { seq: 1000, timestamp: 160_000, ssrc: 0x5eed1234 };
  const waitMs: number[] = [];
  let previousKeying = 0;
  let lastKeyingMs = 0;
  for (const field of callerFields()) {
    const packets = keyPackets(field.keys, stream);
    if (field.name === 'confirm') {
      const again = keyPackets(field.keys, stream).map((p) => ({ ...p, atMs: p.atMs + CONFIRM_REPEAT_MS }));
      packets.push(...again);
    }
    writeFileSync(path.join(dir, `${field.name}.pcap`), pcapFile(packets));
    // The capture of this field starts once the previous field's keys are in (the first "1" for the card).
    waitMs.push(Math.round(previousKeying + field.prompt + marginMs));
    previousKeying = keyingMs(field.keys.length);
    lastKeyingMs = previousKeying;
  }
  return { waitMs, lastKeyingMs, marginMs };
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', '.var', 'bench', 'sipp');
  const schedule = writeCallerMedia(dir, 1000);
  console.log(`pcaps in ${dir}; schedule ${JSON.stringify(schedule)}`);
  console.log(readFileSync(path.join(dir, 'cvv.pcap')).length, 'bytes in cvv.pcap');
}
