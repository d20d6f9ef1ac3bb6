import { describeError, loadOrExit, RetryExhaustedError, retry } from '@ivr/runtime';

describe('describeError', () => {
  it('gives message and code on one line', () => {
    const error = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    expect(describeError(error)).toBe('password authentication failed (28P01)');
    expect(describeError(Object.assign(new Error('connect ECONNREFUSED ::1'), { code: 'ECONNREFUSED' }))).toBe(
      'connect ECONNREFUSED ::1',
    );
  });

  it('lists the parts of an AggregateError with an empty message', () => {
    const error = new AggregateError([
      new Error('connect ECONNREFUSED ::1:5432'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    ]);
    expect(describeError(error)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('follows causes and accepts non-errors', () => {
    expect(describeError(new Error('broker down', { cause: new Error('timeout') }))).toBe(
      'broker down; caused by: timeout',
    );
    expect(describeError('plain')).toBe('plain');
  });
});

describe('retry', () => {
  it('returns the first success', async () => {
    let calls = 0;
    const value = await retry(
      () => {
        calls++;
        if (calls < 3) throw new Error(`not yet ${calls}`);
        return 'up';
      },
      { what: 'Kafka', attempts: 5, baseDelayMs: 1 },
    );
    expect(value).toBe('up');
    expect(calls).toBe(3);
  });

  it('gives up after the given attempts with a one-line error naming what failed', async () => {
    const seen: number[] = [];
    const failure = retry(
      (attempt) => {
        seen.push(attempt);
        throw new Error('connect ECONNREFUSED 127.0.0.1:59092');
      },
      { what: 'Kafka', attempts: 3, baseDelayMs: 1 },
    );
    await expect(failure).rejects.toThrow(
      new RetryExhaustedError('Kafka', 3, new Error('connect ECONNREFUSED 127.0.0.1:59092')).message,
    );
    await expect(failure).rejects.toThrow('Kafka failed after 3 attempts: connect ECONNREFUSED 127.0.0.1:59092');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('does not retry a permanent error and cleans up after every failure', async () => {
    const cleaned: number[] = [];
    let calls = 0;
    const permanent = new Error('bad config');
    await expect(
      retry(
        () => {
          calls++;
          throw permanent;
        },
        {
          what: 'x',
          attempts: 5,
          baseDelayMs: 1,
          isPermanent: (e) => e === permanent,
          onFailure: (_, n) => void cleaned.push(n),
        },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(cleaned).toEqual([1]);
  });
});

describe('loadOrExit', () => {
  it('returns what load returns', () => {
    expect(loadOrExit('svc', () => 42, jest.fn())).toBe(42);
  });

  it('exits 1 when load throws', () => {
    const exit = jest.fn();
    expect(() =>
      loadOrExit(
        'svc',
        () => {
          throw new Error('invalid configuration (1 problem): PORT is required but not set');
        },
        exit,
      ),
    ).toThrow('PORT is required');
    expect(exit).toHaveBeenCalledWith(1);
  });
});
