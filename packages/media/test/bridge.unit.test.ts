import { keySequence, throughG711 } from '@ivr/testkit/dtmf-signals';
import { decodeDtmf } from '@ivr/testkit/reference-dtmf';
import { MediaBridge, SampleQueue } from '../src';

function recordingBridge() {
  const sent: Int16Array[] = [];
  const bridge = new MediaBridge({ toOperator: (pcm, n) => sent.push(Int16Array.from(pcm.subarray(0, n))) });
  const heard = () => Int16Array.from(sent.flatMap((f) => [...f]));
  return { bridge, sent, heard };
}

const ramp = (n: number, from = 0) => Int16Array.from({ length: n }, (_, i) => ((from + i) % 2000) - 1000);

describe('MediaBridge', () => {
  it('relays the caller to the operator unchanged outside card fields, one look-ahead (40 ms) late', () => {
    const { bridge, heard } = recordingBridge();
    const voice = ramp(1600);
    for (let i = 0; i < voice.length; i += 160) bridge.fromCaller(voice.subarray(i, i + 160), 160, i / 8);
    expect(bridge.delayMs).toBe(40);
    expect([...heard().subarray(320)]).toEqual([...voice.subarray(0, 1600 - 320)]);
  });

  it('relays frames of any length (10 and 30 ms packets)', () => {
    const { bridge, sent } = recordingBridge();
    bridge.fromCaller(ramp(80), 80, 0);
    bridge.fromCaller(ramp(240), 240, 10);
    expect(sent.map((f) => f.length)).toEqual([80, 240]);
  });

  it('masks the caller keys during a card field and until they stop after it', () => {
    const { bridge, heard } = recordingBridge();
    const keys = throughG711(keySequence('4242424242424242#', 70, 80));
    bridge.cardField(true);
    for (let i = 0; i + 160 <= keys.length; i += 160) {
      if (i === keys.length - 1600) bridge.cardField(false); // the capture ended on the last key
      bridge.fromCaller(keys.subarray(i, i + 160), 160, i / 8);
    }
    expect(decodeDtmf(heard())).toBe('');
    expect(bridge.masking).toBe(true); // released only once 500 ms passed without a tone
    expect(bridge.stats.maskedSamples).toBeGreaterThan(8 * 70 * 17);
  });

  it('never relays RFC 4733 events; while masking, each masks the audio around it', () => {
    const { bridge, heard } = recordingBridge();
    bridge.callerTelephoneEvent();
    bridge.fromCaller(ramp(480), 480, 0);
    expect(heard().subarray(320)).toEqual(ramp(160)); // not masking: the audio passes
    bridge.cardField(true);
    bridge.callerTelephoneEvent();
    bridge.fromCaller(ramp(480, 480), 480, 60);
    expect(
      heard()
        .subarray(480 + 40)
        .some((x, i) => x !== ramp(480, 160)[i + 40]),
    ).toBe(true);
    expect(bridge.stats.eventsDropped).toBe(2);
  });

  it('queues prompt frames for the operator and mixes the operator into the caller frames', () => {
    const { bridge, heard } = recordingBridge();
    const prompt = Int16Array.from({ length: 160 }, () => 1000);
    bridge.towardCaller(Int16Array.from(prompt), true);
    bridge.fromCaller(new Int16Array(160), 160, 0);
    expect([...heard()]).toEqual([...prompt]);

    const frame = new Int16Array(160);
    expect(bridge.towardCaller(frame, false)).toBe(false); // nothing from the operator yet
    bridge.fromOperator(
      Int16Array.from({ length: 160 }, () => 300),
      160,
    );
    frame.fill(32700);
    expect(bridge.towardCaller(frame, false)).toBe(true);
    expect(frame.every((x) => x === 32767)).toBe(true); // saturates, never wraps
  });

  it('carries the operator side on the ticker once the caller has sent no audio for 100 ms', () => {
    const { bridge, sent } = recordingBridge();
    bridge.fromCaller(ramp(160), 160, 1000);
    for (const t of [1020, 1040, 1060, 1080]) bridge.tick(t);
    expect(sent.length).toBe(1);
    bridge.tick(1100);
    bridge.tick(1120);
    expect(sent.length).toBe(3);
    expect(bridge.stats.tickerFrames).toBe(2);
    // The caller's last 40 ms leave with the ticker's frames: nothing stays behind in the look-ahead.
    expect([...(sent[2] as Int16Array)]).toEqual([...ramp(160)]);
  });
});

describe('SampleQueue', () => {
  it('drops the oldest samples when the writer runs ahead, so the delay stays bounded', () => {
    const queue = new SampleQueue(4);
    queue.push(Int16Array.of(1, 2, 3));
    queue.push(Int16Array.of(4, 5, 6));
    expect(queue.length).toBe(4);
    const out = new Int16Array(6);
    expect(queue.mixInto(out)).toBe(4);
    expect([...out]).toEqual([3, 4, 5, 6, 0, 0]);
    queue.push(Int16Array.of(7));
    queue.clear();
    expect(queue.mixInto(out)).toBe(0);
  });
});
