import { Writable } from 'node:stream';
import { createLogger } from '@ivr/logging';
import { context, TraceFlags, trace } from '@opentelemetry/api';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { destination, lines, parsed };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and level', () => {
    const out = capture();
    createLogger({ service: 'order-link', level: 'info', destination: out.destination }).info({ orderId: 'o-1' }, 'hi');
    expect(out.parsed()[0]).toMatchObject({ service: 'order-link', level: 'info', msg: 'hi', orderId: 'o-1' });
  });

  it('takes its level from LOG_LEVEL', () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'warn';
    try {
      const out = capture();
      const logger = createLogger({ service: 's', destination: out.destination });
      logger.info('dropped');
      logger.warn('kept');
      expect(out.parsed().map((l) => l.msg)).toEqual(['kept']);
    } finally {
      process.env.LOG_LEVEL = before;
    }
  });

  it('censors card and secret keys at any depth, however they are written', () => {
    const out = capture();
    const logger = createLogger({ service: 's', level: 'info', destination: out.destination });
    const input = {
      pan: 'x',
      CVV: '123',
      payment: { cardNumber: 'x', security_code: '123', card: { number: 'x', brand: 'visa' } },
      card: { number: 'x' },
      req: { headers: { Authorization: 'Bearer abc', accept: 'json' } },
      user: { password: 'hunter2' },
      deep: { er: { still: { deeper: { cvc: '123', 'card-number': 'x' } } } },
      attempts: [{ pan: 'x', ok: true }],
      orderNumber: 'o-1',
    };
    logger.info(input);
    const line = out.parsed()[0] as Record<string, unknown>;
    expect(line).toMatchObject({
      pan: '[REDACTED]',
      CVV: '[REDACTED]',
      payment: { cardNumber: '[REDACTED]', security_code: '[REDACTED]', card: { number: '[REDACTED]', brand: 'visa' } },
      card: { number: '[REDACTED]' },
      req: { headers: { Authorization: '[REDACTED]', accept: 'json' } },
      user: { password: '[REDACTED]' },
      deep: { er: { still: { deeper: { cvc: '[REDACTED]', 'card-number': '[REDACTED]' } } } },
      attempts: [{ pan: '[REDACTED]', ok: true }],
      orderNumber: 'o-1',
    });
    // The caller's object is not changed.
    expect(input.payment.cardNumber).toBe('x');
  });

  it('censors the bindings of a child logger', () => {
    const out = capture();
    createLogger({ service: 's', level: 'info', destination: out.destination })
      .child({ call: { cvv: '123', id: 'c-1' } })
      .child({ password: 'hunter2' })
      .info('in grandchild');
    expect(out.parsed()[0]).toMatchObject({ call: { cvv: '[REDACTED]', id: 'c-1' }, password: '[REDACTED]' });
  });

  it('masks card numbers anywhere in the line, including messages and errors', () => {
    const out = capture();
    const logger = createLogger({ service: 's', level: 'info', destination: out.destination });
    logger.error(
      { err: new Error('declined 4242424242424242'), note: 'card 5555 5555 5555 4444' },
      'pan 3782-822463-10005',
    );
    expect(out.lines[0]).not.toMatch(/4242424242424242|5555 5555 5555 4444|3782-822463-10005/);
    expect(out.parsed()[0]).toMatchObject({ msg: 'pan [PAN REDACTED]', note: 'card [PAN REDACTED]' });
  });

  it('adds trace_id and span_id of the active span', () => {
    const out = capture();
    const logger = createLogger({ service: 's', level: 'info', destination: out.destination });
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    // A non-recording span carrying a known context is enough; the global context manager is not needed
    // because context.with is only read synchronously here through the mixin.
    const ctx = trace.setSpanContext(context.active(), spanContext);
    const span = trace.getSpan(ctx);
    jest.spyOn(trace, 'getActiveSpan').mockReturnValue(span);
    try {
      logger.info('inside');
    } finally {
      jest.restoreAllMocks();
    }
    logger.info('outside');
    const [inside, outside] = out.parsed();
    expect(inside).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(outside?.trace_id).toBeUndefined();
  });
});
