import { parseTelephoneEvent, serializeTelephoneEvent, type TelephoneEvent, TelephoneEventTracker } from '../src';

/** The packets a well-behaved sender emits for one key press (RFC 4733 §2.5.1): start, continuations, 3 ends. */
function keyPress(event: number, timestamp: number, continuations = 3) {
  const packets = [{ marker: true, timestamp, event: { event, end: false, volume: 10, duration: 160 } }];
  for (let i = 2; i <= continuations + 1; i++)
    packets.push({ marker: false, timestamp, event: { event, end: false, volume: 10, duration: 160 * i } });
  for (let i = 0; i < 3; i++)
    packets.push({
      marker: false,
      timestamp,
      event: { event, end: true, volume: 10, duration: 160 * (continuations + 2) },
    });
  return packets;
}

function keysFrom(tracker: TelephoneEventTracker, packets: ReturnType<typeof keyPress>) {
  return packets
    .map((p) => tracker.accept(p).key)
    .filter((k) => k !== undefined)
    .join('');
}

describe('RFC 4733 telephone-event payload', () => {
  it('parses event, end bit, volume and duration', () => {
    const r = parseTelephoneEvent(Uint8Array.of(11, 0x80 | 0x40 | 7, 0x03, 0x20));
    expect(r).toEqual({ ok: true, event: { event: 11, end: true, volume: 7, duration: 800 } });
  });

  it('rejects payloads shorter than 4 bytes', () => {
    expect(parseTelephoneEvent(Uint8Array.of(1, 2, 3))).toEqual({ ok: false, error: 'too_short' });
  });

  it('round-trips through serialization', () => {
    const e: TelephoneEvent = { event: 9, end: false, volume: 63, duration: 65535 };
    expect(parseTelephoneEvent(serializeTelephoneEvent(e))).toEqual({ ok: true, event: e });
  });
});

describe('TelephoneEventTracker', () => {
  it('reports each key press once, on its first packet', () => {
    const tracker = new TelephoneEventTracker();
    const packets = [...keyPress(4, 1000), ...keyPress(2, 3000), ...keyPress(10, 5000), ...keyPress(11, 7000)];
    expect(keysFrom(tracker, packets)).toBe('42*#');
  });

  it('counts the same digit pressed twice as two presses (different timestamps)', () => {
    const tracker = new TelephoneEventTracker();
    expect(keysFrom(tracker, [...keyPress(4, 1000), ...keyPress(4, 2000)])).toBe('44');
  });

  it('counts a key once when its start packet is lost', () => {
    const tracker = new TelephoneEventTracker();
    expect(keysFrom(tracker, keyPress(7, 1000).slice(1))).toBe('7');
  });

  it('counts a key once when only an end packet arrives', () => {
    const tracker = new TelephoneEventTracker();
    expect(keysFrom(tracker, keyPress(7, 1000).slice(-1))).toBe('7');
  });

  it('ignores duplicated packets and late retransmitted end packets of an earlier event', () => {
    const tracker = new TelephoneEventTracker();
    const first = keyPress(1, 1000);
    const second = keyPress(2, 2000);
    const packets = [...first, ...first, ...second, first.at(-1)!, second.at(-1)!];
    expect(keysFrom(tracker, packets)).toBe('12');
    expect(tracker.accept(first.at(-1)!).kind).toBe('duplicate');
  });

  it('treats a new segment of a long event (new timestamp, no marker, same event) as the same press', () => {
    const tracker = new TelephoneEventTracker();
    const segment1 = keyPress(5, 1000).slice(0, 3);
    const segment2 = [
      { marker: false, timestamp: 1000 + 65535, event: { event: 5, end: false, volume: 10, duration: 160 } },
    ];
    const end = keyPress(5, 1000 + 65535).slice(-3);
    expect(keysFrom(tracker, [...segment1, ...segment2, ...end])).toBe('5');
  });

  it('ignores non-DTMF events such as flash-hook (16)', () => {
    const tracker = new TelephoneEventTracker();
    expect(
      tracker.accept({ marker: true, timestamp: 1, event: { event: 16, end: false, volume: 0, duration: 0 } }),
    ).toEqual({
      kind: 'ignored',
    });
  });

  it('handles timestamps across the 32-bit wrap', () => {
    const tracker = new TelephoneEventTracker();
    expect(keysFrom(tracker, [...keyPress(3, 0xffffff00), ...keyPress(6, 0x00000100)])).toBe('36');
  });
});
