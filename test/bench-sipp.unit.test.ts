// The SIPp benchmark's own pieces (bench/sipp/): the RFC 4733 packets and pcap files it plays, the
// schedule from the prompts' lengths, the injection file, and reading back SIPp's event log and
// statistics. The scenario itself runs against the real system in `make bench-calls`.
import { callerFields, keyPackets, pcapFile } from '../bench/sipp/caller-media';
import { injectionFile, parseEvents, parseStats } from '../bench/sipp/run';

const stream = () => ({ seq: 10, timestamp: 1000, ssrc: 0x1234 });

describe('keys as RFC 4733 events', () => {
  it('sends a key as six 20 ms packets, the first with the marker, then three end packets', () => {
    const packets = keyPackets('5', stream());
    expect(packets).toHaveLength(9);
    expect(packets.map((p) => p.atMs)).toEqual([0, 20, 40, 60, 80, 100, 120, 120, 120]);
    const [first, last] = [packets[0]?.rtp as Buffer, packets[8]?.rtp as Buffer];
    expect(first[1]).toBe(0x80 | 101); // marker, payload type 101
    expect(first[12]).toBe(5);
    expect(first.readUInt8(13) & 0x80).toBe(0);
    expect(last.readUInt8(13) & 0x80).toBe(0x80); // end bit
    expect(last.readUInt16BE(14)).toBe(960); // 120 ms at 8 kHz
  });

  it('gives each key its own timestamp and runs sequence numbers on across fields', () => {
    const s = stream();
    const first = keyPackets('*1', s);
    const second = keyPackets('#', s);
    const timestamps = [...first, ...second].map((p) => p.rtp.readUInt32BE(4));
    expect(new Set(timestamps).size).toBe(3);
    const seqs = [...first, ...second].map((p) => p.rtp.readUInt16BE(2));
    expect(seqs).toEqual(seqs.map((_, i) => 11 + i));
    expect(first[9]?.rtp[12]).toBe(1);
    expect(first[0]?.rtp[12]).toBe(10); // *
    expect(second[0]?.rtp[12]).toBe(11); // #
    expect(second[0]?.atMs).toBe(0);
  });
});

describe('pcap files for play_pcap_audio', () => {
  it('writes Ethernet/IPv4/UDP frames with the RTP as payload, at the packets times', () => {
    const packets = keyPackets('1', stream());
    const file = pcapFile(packets);
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(file.readUInt32LE(20)).toBe(1); // Ethernet
    const record = 24;
    const frameLength = file.readUInt32LE(record + 8);
    expect(frameLength).toBe(14 + 20 + 8 + 16);
    const frame = file.subarray(record + 16, record + 16 + frameLength);
    expect(frame.readUInt16BE(12)).toBe(0x0800);
    expect(frame[23]).toBe(17);
    expect(frame.subarray(42).equals(packets[0]?.rtp as Buffer)).toBe(true);
    const second = record + 16 + frameLength;
    expect(file.readUInt32LE(second + 4)).toBe(20_000); // 20 ms, in microseconds
    expect(file.length).toBe(24 + packets.length * (16 + frameLength));
  });
});

describe('the caller keys each field after its prompt', () => {
  it('asks in the dialogue order, with prompts of a plausible length', () => {
    const fields = callerFields();
    expect(fields.map((f) => f.name)).toEqual(['confirm', 'card', 'expiry', 'cvv']);
    expect(fields[1]?.keys).toMatch(/^\*\d{16}#$/);
    expect(fields[2]?.keys).toMatch(/^12\d\d$/);
    for (const f of fields) expect(f.prompt).toBeGreaterThan(1000);
  });

  it('writes one injection line per call: code, the four waits (a park added to the card), the last keying', () => {
    const schedule = { waitMs: [7000, 3000, 6000, 4000], lastKeyingMs: 520, marginMs: 1000 };
    const text = injectionFile([{ code: '123456' }, { code: '654321', parkMs: 5000 }], schedule);
    expect(text.split('\n')).toEqual([
      'SEQUENTIAL',
      '123456;7000;3000;6000;4000;520',
      '654321;7000;8000;6000;4000;520',
      '',
    ]);
  });
});

describe("reading SIPp's output", () => {
  it('collects the per-call events of the <log> actions', () => {
    const calls = parseEvents(
      [
        '123456 invite 1700000000.000000 100000.000000',
        '123456 answered 1700000000.000000 130000.000000',
        'noise line',
        '123456 lastkey 1700000023.000000 0.000000',
        '123456 refer 1700000026.000000 500000.000000',
      ].join('\n'),
    );
    const c = calls.get('123456');
    expect((c?.answered ?? 0) - (c?.invite ?? 0)).toBeCloseTo(30);
    expect((c?.refer ?? 0) - (c?.lastkey ?? 0)).toBeCloseTo(3500);
    expect(c?.bye).toBeUndefined();
  });

  it('takes the counters of the last statistics line and the peak of calls open', () => {
    const names =
      'CurrentCall;SuccessfulCall(C);FailedCall(C);FailedUnexpectedMessage(C);FailedMaxUDPRetrans(C);Retransmissions(C)';
    const stats = parseStats([names, '3;0;0;0;0;0', '9;4;1;1;0;2', '0;8;2;1;1;5', ''].join('\n'));
    expect(stats).toEqual({
      successful: 8,
      failed: 2,
      sippFailures: 'FailedUnexpectedMessage 1, FailedMaxUDPRetrans 1',
      retransmissions: 5,
      peakConcurrent: 9,
    });
  });
});
