// Interoperability with libsrtp 2 (packets made by fixtures/libsrtp-packets.py through pylibsrtp): a
// stream that crosses a sequence-number wrap, for both suites, and SRTCP. SRTP is deterministic, so
// our sender must write libsrtp's bytes exactly and our receiver must read them.

import { SrtpMasterKey, SrtpReceiver, SrtpSender, type SrtpSuite } from '../src';
import fixture from './fixtures/libsrtp-packets.json';

const hex = (text: string) => Buffer.from(text, 'hex');
const key = (suite: SrtpSuite) => new SrtpMasterKey(suite, hex(fixture.masterKeyAndSalt));

describe.each(Object.keys(fixture.suites) as SrtpSuite[])('libsrtp %s', (suite) => {
  const { rtp, rtcp } = fixture.suites[suite];

  it('protects a stream across the sequence wrap exactly as libsrtp does (ROC 0 → 1)', () => {
    const sender = new SrtpSender(key(suite));
    for (const p of rtp) expect(sender.protectRtp(hex(p.plain)).toString('hex')).toBe(p.protected);
  });

  it('reads what libsrtp protected, in order and with the packet before the wrap arriving late', () => {
    const receiver = new SrtpReceiver(key(suite));
    const order = [0, 1, 2, 4, 3, 5, 6]; // 65535 after 0
    for (const i of order) {
      const datagram = hex(rtp[i]!.protected);
      expect(receiver.unprotectRtp(datagram)).toEqual({ ok: true, length: hex(rtp[i]!.plain).length });
      expect(datagram.subarray(0, hex(rtp[i]!.plain).length).toString('hex')).toBe(rtp[i]!.plain);
    }
  });

  it('SRTCP: reads libsrtp’s packets and writes the same bytes (libsrtp’s first index is 1, ours 0)', () => {
    const receiver = new SrtpReceiver(key(suite));
    for (const p of rtcp) {
      const datagram = hex(p.protected);
      expect(receiver.unprotectRtcp(datagram)).toEqual({ ok: true, length: hex(p.plain).length });
      expect(datagram.subarray(0, hex(p.plain).length).toString('hex')).toBe(p.plain);
    }
    const sender = new SrtpSender(key(suite));
    sender.protectRtcp(hex(rtcp[0]!.plain)); // index 0, which libsrtp never sends
    for (const p of rtcp) expect(sender.protectRtcp(hex(p.plain)).toString('hex')).toBe(p.protected);
  });
});
