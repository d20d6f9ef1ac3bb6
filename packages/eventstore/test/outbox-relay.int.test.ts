import type { Pool } from 'pg';
import { createPgPool, type EventStore, type OutboxMessage, type OutboxPublisher, OutboxRelay } from '../src';
import { freshStore } from './test-db';

/** Records what would reach the broker; can be told to fail, like a broker that is down. */
class RecordingPublisher implements OutboxPublisher {
  published: OutboxMessage[] = [];
  failNext = 0;
  async publish(messages: OutboxMessage[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker unavailable');
    }
    this.published.push(...messages);
  }
}

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('OutboxRelay', () => {
  let pool: Pool;
  let store: EventStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ pool, store, cleanup } = await freshStore('relay')));
  afterAll(() => cleanup());

  const append = (stream: string, n: number) =>
    store.append(stream, 'any', [{ type: 'Counted', data: { n } }], {
      streamType: 'Counter',
      outbox: { topic: 'ivr.test.v1' },
    });

  it('publishes committed events in order per key and marks them published', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool, schema: store.schema, publisher, pollIntervalMs: 50 });
    relay.start();
    try {
      for (let i = 1; i <= 20; i++) await append(i % 2 ? 'odd' : 'even', i);
      await waitFor('20 messages', () => publisher.published.length === 20);
      const odd = publisher.published.filter((m) => m.key === 'odd').map((m) => m.envelope.version);
      expect(odd).toEqual([...odd].sort((a, b) => a - b));
      await waitFor('an empty outbox', async () => (await relay.lag()).pending === 0);
    } finally {
      await relay.stop();
    }
  });

  it('publishes commits made while it publishes at once, by their announcements alone (no polling)', async () => {
    // A broker that takes 100 ms per batch: appends commit (and announce) during each publish. With the
    // poll an hour away, only the announcements can bring those rows out.
    const publisher = new RecordingPublisher();
    const slow: OutboxPublisher = {
      publish: async (messages) => {
        await new Promise((r) => setTimeout(r, 100));
        await publisher.publish(messages);
      },
    };
    const relay = new OutboxRelay({ pool, schema: store.schema, publisher: slow, pollIntervalMs: 3_600_000 });
    relay.start();
    try {
      for (let burst = 0; burst < 6; burst++) {
        await Promise.all([1, 2, 3, 4, 5].map((i) => append(`burst-${i}`, burst * 5 + i)));
        await new Promise((r) => setTimeout(r, 30 + burst * 20));
      }
      await waitFor('30 messages', () => publisher.published.length === 30, 5_000);
      expect((await relay.lag()).pending).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('survives its connection being ended by the database (a restart): publishes on, leaks no client', async () => {
    const publisher = new RecordingPublisher();
    const relayPool = createPgPool(process.env.IVR_TEST_DATABASE_URL as string, {
      applicationName: 'relay-restart-test',
    });
    const relay = new OutboxRelay({ pool: relayPool, schema: store.schema, publisher, pollIntervalMs: 50 });
    relay.start();
    try {
      await append('before-restart', 1);
      await waitFor('the first message', () => publisher.published.some((m) => m.key === 'before-restart'));
      for (let round = 0; round < 3; round++) {
        await pool.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'relay-restart-test'`,
        );
        await waitFor('the relay to lead again', () => relay.isLeader);
      }
      await append('after-restart', 2);
      await waitFor('the message after the restarts', () => publisher.published.some((m) => m.key === 'after-restart'));
      expect(relayPool.totalCount).toBe(1);
    } finally {
      await relay.stop();
      await relayPool.end();
    }
  });

  it('keeps rows the broker did not acknowledge and publishes them when it is back', async () => {
    const publisher = new RecordingPublisher();
    publisher.failNext = 2;
    const relay = new OutboxRelay({ pool, schema: store.schema, publisher, pollIntervalMs: 50 });
    await append('retry', 1);
    relay.start();
    try {
      await waitFor('the retried message', () => publisher.published.some((m) => m.key === 'retry'));
      expect(publisher.published.filter((m) => m.key === 'retry')).toHaveLength(1);
    } finally {
      await relay.stop();
    }
  });

  it('republishes after a crash between publish and mark (at least once), and resumes where it stopped', async () => {
    const crashing: OutboxPublisher = {
      publish: async () => {
        // The broker took the batch, then the process died before marking the rows.
        throw new Error('process killed after publish');
      },
    };
    await append('crash', 1);
    const first = new OutboxRelay({ pool, schema: store.schema, publisher: crashing });
    await expect(first.drainOnce()).rejects.toThrow('process killed');
    await first.stop();

    const publisher = new RecordingPublisher();
    const second = new OutboxRelay({ pool, schema: store.schema, publisher });
    await second.drainOnce();
    await second.stop();
    expect(publisher.published.filter((m) => m.key === 'crash')).toHaveLength(1);
  });

  it('lets only one relay per schema publish at a time', async () => {
    const a = new OutboxRelay({ pool, schema: store.schema, publisher: new RecordingPublisher() });
    const b = new OutboxRelay({ pool, schema: store.schema, publisher: new RecordingPublisher() });
    await a.drainOnce();
    await append('leader', 1);
    expect(await b.drainOnce()).toBe(0);
    expect(b.isLeader).toBe(false);
    await a.stop();
    expect(await b.drainOnce()).toBe(1);
    await b.stop();
  });
});

describe('OutboxRelay metrics', () => {
  it('exposes the outbox lag and the published count to Prometheus', async () => {
    const { startTelemetry } = await import('@ivr/telemetry');
    const { createServer } = await import('node:http');
    const telemetry = startTelemetry({ service: 'relay-metrics-test', mode: 'memory' });
    const { pool, store, cleanup } = await freshStore('relaymetrics');
    const server = createServer((req, res) => void telemetry.metricsHandler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    const relay = new OutboxRelay({
      pool,
      schema: store.schema,
      publisher: new RecordingPublisher(),
      meter: telemetry.meter,
    });
    try {
      await store.append('m-1', 'no_stream', [{ type: 'Counted', data: { n: 1 } }], {
        streamType: 'Counter',
        outbox: { topic: 'ivr.test.v1' },
      });
      const before = await (await fetch(url)).text();
      expect(before).toMatch(new RegExp(`outbox_pending_events\\{schema="${store.schema}"[^}]*\\} 1`));
      expect(before).toMatch(/outbox_oldest_pending_age_seconds\{/);

      await relay.drainOnce();
      const after = await (await fetch(url)).text();
      expect(after).toMatch(new RegExp(`outbox_pending_events\\{schema="${store.schema}"[^}]*\\} 0`));
      expect(after).toMatch(new RegExp(`outbox_published_events_total\\{schema="${store.schema}"[^}]*\\} 1`));
    } finally {
      await relay.stop();
      server.close();
      await telemetry.shutdown();
      await cleanup();
    }
  });
});
