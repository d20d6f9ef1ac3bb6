// Where a session's RTP may come from (docs/security-audit.md, item 5): only from the host the SDP
// names, from the first port and SSRC heard there (symmetric RTP within that host), and never another
// stream after a silence. Everything else is counted by reason and dropped. Given/when/then on a fake clock.
import { type DtmfKey, serializeRtp, serializeTelephoneEvent } from '@ivr/media';
import { Intake } from '../src/app/intake';
import type { Peer } from '../src/app/ports';
import { zeroCounters } from '../src/app/session-counters';

const SDP: Peer = { address: '192.0.2.10', port: 30000 };
const EVENT_PT = 101;

/** `null`: an SDP without a media address. */
function given(sdp: Peer | null = SDP) {
  const sdpPeer = sdp ?? undefined;
  let now = 1_000;
  const keys: DtmfKey[] = [];
  const counters = zeroCounters();
  const intake = new Intake(
    {
      codec: 'PCMU',
      telephoneEventPayloadType: EVENT_PT,
      sdpPeer,
      now: () => now,
      onKey: (key) => keys.push(key),
    },
    counters,
  );
  let sequenceNumber = 1;
  let timestamp = 1_000;
  /** One key press (start and end packets of one RFC 4733 event) from `from`, stream `ssrc`. */
  const key = (from: Peer, digit: number, ssrc = 0x1111) => {
    timestamp += 1_600;
    for (const end of [false, true])
      intake.receive(
        serializeRtp(
          { marker: !end, payloadType: EVENT_PT, sequenceNumber: sequenceNumber++, timestamp, ssrc },
          serializeTelephoneEvent({ event: digit, end, volume: 10, duration: 800 }),
        ),
        from,
      );
  };
  const audio = (from: Peer, ssrc = 0x1111) => {
    timestamp += 160;
    const header = { payloadType: 0, sequenceNumber: sequenceNumber++, timestamp, ssrc };
    intake.receive(serializeRtp(header, new Uint8Array(160).fill(0xff)), from);
  };
  const wait = (ms: number) => {
    now += ms;
  };
  return { intake, keys, counters, key, audio, wait };
}

describe('RTP intake: where a stream may come from', () => {
  it('accepts the phone at the SDP address, learning its port (symmetric RTP within that host)', () => {
    const { intake, keys, key } = given();
    const phone = { address: SDP.address, port: 31000 }; // behind a port-rewriting NAT or SBC
    key(phone, 4);
    key(phone, 2);
    expect(keys).toEqual(['4', '2']);
    expect(intake.peer).toEqual(phone);
  });

  it('drops and counts a stream from any other host, pin_remote_address or not', () => {
    const { keys, counters, key, audio } = given();
    key({ address: '198.51.100.7', port: SDP.port }, 9);
    audio({ address: '198.51.100.7', port: SDP.port });
    expect(keys).toEqual([]);
    expect(counters.wrongSource).toBe(3);
    expect(counters.packetsAccepted).toBe(0);
  });

  it('keeps to the first port heard: another port of the same host is dropped and counted', () => {
    const { intake, keys, counters, key } = given();
    key(SDP, 1);
    key({ address: SDP.address, port: SDP.port + 2 }, 9, 0x2222);
    key({ address: SDP.address, port: SDP.port + 2 }, 9);
    expect(keys).toEqual(['1']);
    expect(counters.wrongSource).toBe(4);
    expect(intake.peer).toEqual(SDP);
  });

  it('does not re-lock to another stream after a silence, from the same address or elsewhere', () => {
    const { intake, keys, counters, key, wait } = given();
    key(SDP, 1);
    wait(30_000);
    key(SDP, 9, 0x2222); // a new SSRC on the locked address
    key({ address: SDP.address, port: SDP.port + 2 }, 9, 0x2222); // a new port after the silence
    expect(keys).toEqual(['1']);
    expect(counters.foreignSsrc).toBe(2);
    expect(counters.wrongSource).toBe(2);
    expect(intake.peer).toEqual(SDP);
    key(SDP, 3); // the locked stream itself goes on
    expect(keys).toEqual(['1', '3']);
  });

  it('without an address in the SDP, locks to the first valid stream and keeps to it', () => {
    const { intake, keys, counters, key, wait } = given(null);
    const phone = { address: '203.0.113.5', port: 40000 };
    key(phone, 5);
    wait(30_000);
    key({ address: '203.0.113.66', port: 40000 }, 9, 0x3333);
    expect(keys).toEqual(['5']);
    expect(counters.wrongSource).toBe(2);
    expect(intake.peer).toEqual(phone);
  });
});
