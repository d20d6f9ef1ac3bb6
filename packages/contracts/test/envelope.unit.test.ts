import { parseEnvelope } from '../src';

const good = {
  specVersion: 1,
  eventId: '0b5c3a4e-6f4f-4a8e-9a51-2f0f0b0c9d1e',
  type: 'PaymentRequested',
  aggregateType: 'Payment',
  aggregateId: 'pay_1',
  version: 1,
  occurredAt: '2026-11-26T10:00:00.000Z',
  payload: { amount: 1200 },
};

describe('parseEnvelope', () => {
  it('accepts a well-formed envelope', () => {
    const r = parseEnvelope(Buffer.from(JSON.stringify(good)));
    expect(r.ok).toBe(true);
  });

  it.each([
    [null, 'empty message value'],
    ['not json', 'value is not JSON'],
    ['[]', 'value is not a JSON object'],
    [JSON.stringify({ ...good, specVersion: 2 }), 'specVersion must be 1'],
    [JSON.stringify({ ...good, eventId: 'x' }), 'eventId is missing or malformed'],
    [JSON.stringify({ ...good, type: '' }), 'type must be a non-empty string'],
    [JSON.stringify({ ...good, version: 0 }), 'version must be an integer >= 1'],
    [JSON.stringify({ ...good, occurredAt: 'yesterday' }), 'occurredAt is not a date'],
    [JSON.stringify({ ...good, payload: null }), 'payload must be an object'],
  ])('rejects %p with a reason', (raw, reason) => {
    expect(parseEnvelope(raw)).toEqual({ ok: false, reason });
  });
});
