import { CircuitBreaker } from '../src/circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('opens after the threshold of failures in a row and refuses calls', () => {
    const b = breaker();
    b.recordFailure();
    b.recordFailure();
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.current).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterMs()).toBe(1000);
  });

  it('a success resets the count', () => {
    const b = breaker();
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    expect(b.current).toBe('closed');
  });

  it('lets one trial through after openMs; success closes, failure reopens', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    now = 1000;
    expect(b.tryAcquire()).toBe(true);
    expect(b.current).toBe('half_open');
    expect(b.tryAcquire()).toBe(false);
    b.recordFailure();
    expect(b.current).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    now = 2000;
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.current).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });
});
