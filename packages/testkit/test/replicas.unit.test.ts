// The pure parts of PaymentSystem's replicas: instance names, and each vault's share of the RTP range.
import { instanceName, splitRtpRange } from '../src/payment-system';

test('the first replica goes by the service name, the others by a number', () => {
  expect([0, 1, 2].map((r) => instanceName('dtmf-vault', r))).toEqual(['dtmf-vault', 'dtmf-vault-2', 'dtmf-vault-3']);
});

test('each vault replica gets its own even-sized part of the RTP range; one replica keeps the whole', () => {
  const range = { RTP_PORT_MIN: '43000', RTP_PORT_MAX: '43999' };
  expect(splitRtpRange(range, 0, 1)).toEqual({});
  expect(splitRtpRange(range, 0, 2)).toEqual({ RTP_PORT_MIN: '43000', RTP_PORT_MAX: '43499' });
  expect(splitRtpRange(range, 1, 2)).toEqual({ RTP_PORT_MIN: '43500', RTP_PORT_MAX: '43999' });
  const thirds = [0, 1, 2].map((r) => splitRtpRange(range, r, 3));
  expect(thirds.map((t) => [t.RTP_PORT_MIN, t.RTP_PORT_MAX])).toEqual([
    ['43000', '43331'],
    ['43332', '43663'],
    ['43664', '43995'],
  ]);
  expect(splitRtpRange({}, 1, 2)).toEqual({});
});
