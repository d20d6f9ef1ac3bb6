// RFC 4733 telephone-events: payload parsing and a per-stream tracker that turns the packet stream
// (start with the marker bit, continuations with growing duration, three end packets) into one key
// press per event. An event is identified by its RTP timestamp, which stays constant over all of
// its packets (RFC 4733 §2.5.1.2), so retransmitted end packets and duplicates are counted once.
import { type DtmfKey, KEYS_BY_EVENT_CODE } from './dtmf-key';

export interface TelephoneEvent {
  /** Event code 0-255; 0-15 are the DTMF keys. */
  event: number;
  end: boolean;
  /** Power level as -dBm0, 0-63. */
  volume: number;
  /** Duration in timestamp units since the event's timestamp. */
  duration: number;
}

export type TelephoneEventParseResult = { ok: true; event: TelephoneEvent } | { ok: false; error: 'too_short' };

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEventParseResult {
  // Several 4-byte blocks may follow (RFC 4733 §2.5.1.5 for multiple events); the first is the current one.
  if (payload.length < 4) return { ok: false, error: 'too_short' };
  return {
    ok: true,
    event: {
      event: payload[0] as number,
      end: ((payload[1] as number) & 0x80) !== 0,
      volume: (payload[1] as number) & 0x3f,
      duration: ((payload[2] as number) << 8) | (payload[3] as number),
    },
  };
}

export function serializeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  return Uint8Array.of(e.event, (e.end ? 0x80 : 0) | (e.volume & 0x3f), (e.duration >> 8) & 0xff, e.duration & 0xff);
}

export interface TelephoneEventPacket {
  marker: boolean;
  timestamp: number;
  event: TelephoneEvent;
}

/** What the tracker made of one packet. `key` is set only on the first packet of a new key press. */
export interface TrackedEvent {
  key?: DtmfKey;
  kind: 'start' | 'continuation' | 'end' | 'duplicate' | 'ignored';
}

const REMEMBERED_EVENTS = 8;

export class TelephoneEventTracker {
  // Timestamps of recent events: late retransmissions of an earlier event must not count again.
  private readonly recent: number[] = [];
  private current: { timestamp: number; event: number; ended: boolean } | undefined;

  accept(packet: TelephoneEventPacket): TrackedEvent {
    const { timestamp, event } = packet;
    const key = KEYS_BY_EVENT_CODE[event.event];
    if (key === undefined) return { kind: 'ignored' }; // flash-hook, tones, ...
    const current = this.current;
    if (current && current.timestamp === timestamp) {
      if (current.ended) return { kind: 'duplicate' };
      if (event.end) current.ended = true;
      return { kind: event.end ? 'end' : 'continuation' };
    }
    if (this.recent.includes(timestamp)) return { kind: 'duplicate' };
    // A long event (duration past 0xFFFF) continues in a new segment with a new timestamp and no
    // marker (RFC 4733 §2.5.1.3): the same key press, not a new one.
    const isNextSegment = current && !current.ended && !packet.marker && current.event === event.event;
    this.current = { timestamp, event: event.event, ended: event.end };
    this.remember(timestamp);
    if (isNextSegment) return { kind: event.end ? 'end' : 'continuation' };
    return { key, kind: event.end ? 'end' : 'start' };
  }

  private remember(timestamp: number): void {
    this.recent.push(timestamp);
    if (this.recent.length > REMEMBERED_EVENTS) this.recent.shift();
  }
}
