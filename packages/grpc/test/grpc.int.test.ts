import { Writable } from 'node:stream';
import { Client, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, status } from '@grpc/grpc-js';
import { createClient, createGrpcServer, type GrpcServer, statusError } from '@ivr/grpc';
import { createLogger } from '@ivr/logging';
import { startTelemetry, type Telemetry } from '@ivr/telemetry';
import { context, trace } from '@opentelemetry/api';
import { codeOf, collect, EchoClient, EchoService, type Message, unary } from './support/echo-service';
import { checkHealth } from './support/health';

async function until<T>(probe: () => T | undefined): Promise<T> {
  const giveUpAt = Date.now() + 20_000;
  while (Date.now() < giveUpAt) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met');
}

type Unary = (call: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => void;

describe('gRPC server and client on loopback (plaintext)', () => {
  let telemetry: Telemetry;
  let server: GrpcServer;
  let client: Client;
  let impatient: Client;
  const logLines: string[] = [];
  const hung: sendUnaryData<Message>[] = [];

  const echo: Unary = (call, callback) => {
    const span = trace.getActiveSpan()?.spanContext();
    const deadline = call.getDeadline();
    callback(null, {
      ...call.request,
      traceId: span?.traceId,
      deadline: deadline instanceof Date ? deadline.getTime() : deadline,
    });
  };

  beforeAll(async () => {
    telemetry = startTelemetry({ service: 'grpc-test', mode: 'memory' });
    const destination = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    server = createGrpcServer({ logger: createLogger({ service: 'grpc-test', level: 'info', destination }) });
    server.addService(EchoService, {
      echo,
      async fail(call: ServerUnaryCall<Message, Message>) {
        if (call.request.kind === 'chosen')
          throw statusError(status.NOT_FOUND, 'no order o-1 for card 4242424242424242');
        if (call.request.kind === 'async') await Promise.reject(new Error('pool ended'));
        throw new Error('password=hunter2 card 4242424242424242');
      },
      hang: (_call: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => void hung.push(callback),
      count(call: ServerWritableStream<Message, Message>) {
        const n = Number(call.request.n);
        if (n < 0) throw new Error('negative count');
        for (let i = 1; i <= n; i++) call.write({ i });
        call.end();
      },
    });
    const port = await server.listen('127.0.0.1:0');
    client = createClient(EchoClient, `127.0.0.1:${port}`, { deadlineMs: 5000 });
    // A client with a short default deadline, for the call that never gets an answer.
    impatient = createClient(EchoClient, `127.0.0.1:${port}`, { deadlineMs: 200 });
  });

  afterAll(async () => {
    client.close();
    impatient.close();
    for (const callback of hung) callback(null, {});
    await server.stop(1000);
    await telemetry.shutdown();
  });

  it('serves grpc.health.v1 for the server and each added service', async () => {
    expect(await checkHealth(client, '')).toBe('SERVING');
    expect(await checkHealth(client, 'test.Echo')).toBe('SERVING');
    expect(await codeOf(checkHealth(client, 'test.Nope'))).toBe(status.NOT_FOUND);
    server.setStatus('test.Echo', 'NOT_SERVING');
    expect(await checkHealth(client, 'test.Echo')).toBe('NOT_SERVING');
    server.setStatus('test.Echo', 'SERVING');
  });

  it('answers a unary call', async () => {
    expect(await unary(client, EchoService.echo, { hello: 'world' })).toMatchObject({ hello: 'world' });
  });

  it('continues the caller trace on the server', async () => {
    const caller = telemetry.tracer.startSpan('caller');
    const reply = await context.with(trace.setSpan(context.active(), caller), () =>
      unary(client, EchoService.echo, {}),
    );
    caller.end();
    expect(reply.traceId).toBe(caller.spanContext().traceId);
    const spans = telemetry.finishedSpans().filter((s) => s.spanContext().traceId === caller.spanContext().traceId);
    const clientSpan = spans.find((s) => s.name === 'test.Echo/Echo' && s.kind === 2);
    const serverSpan = spans.find((s) => s.name === 'test.Echo/Echo' && s.kind === 1);
    expect(clientSpan?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(serverSpan?.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'test.Echo',
      'rpc.method': 'Echo',
    });
  });

  it('puts a deadline on a call without one and keeps a deadline the caller set', async () => {
    const before = Date.now();
    const defaulted = await unary(client, EchoService.echo, {});
    expect(typeof defaulted.deadline).toBe('number');
    expect(defaulted.deadline).toBeLessThanOrEqual(Date.now() + 5000);
    const explicit = await unary(client, EchoService.echo, {}, { deadline: before + 3_600_000 });
    expect(explicit.deadline).toBeGreaterThan(before + 60_000);
  });

  it('ends a call that gets no answer with DEADLINE_EXCEEDED, and its server span as cancelled', async () => {
    expect(await codeOf(unary(impatient, EchoService.hang, {}))).toBe(status.DEADLINE_EXCEEDED);
    const serverSpan = await until(() =>
      telemetry.finishedSpans().find((s) => s.name === 'test.Echo/Hang' && s.kind === 1),
    );
    expect(serverSpan.attributes['rpc.grpc.status_code']).toBe(status.CANCELLED);
  });

  it('turns a thrown error into INTERNAL with a generic message, logged masked', async () => {
    const error = await unary(client, EchoService.fail, {}).catch((e: { code: number; details: string }) => e);
    expect(error).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    const logged = logLines.find((line) => line.includes('unexpected error in /test.Echo/Fail'));
    expect(logged).toContain('[PAN REDACTED]');
    expect(logLines.join('')).not.toContain('4242424242424242');
    expect(await codeOf(unary(client, EchoService.fail, { kind: 'async' }))).toBe(status.INTERNAL);
  });

  it('passes a status the handler chose, with card numbers masked', async () => {
    const error = await unary(client, EchoService.fail, { kind: 'chosen' }).catch(
      (e: { code: number; details: string }) => e,
    );
    expect(error).toMatchObject({ code: status.NOT_FOUND, details: 'no order o-1 for card [PAN REDACTED]' });
  });

  it('streams, and turns a throw in a streaming handler into INTERNAL', async () => {
    expect(await collect(client, EchoService.count, { n: 3 })).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(await codeOf(collect(client, EchoService.count, { n: -1 }))).toBe(status.INTERNAL);
  });
});

describe('createGrpcServer options', () => {
  it('refuses allowedClients without TLS', () => {
    expect(() => createGrpcServer({ allowedClients: ['order-link'] })).toThrow('allowedClients needs tls');
  });

  it('refuses a client without a deadline', () => {
    expect(() => createClient(Client, '127.0.0.1:1', { deadlineMs: 0 })).toThrow(
      'deadlineMs must be a positive number',
    );
  });

  it('reports NOT_SERVING and refuses calls after stop', async () => {
    const server = createGrpcServer();
    server.addService(EchoService, {
      echo: (_c: unknown, cb: sendUnaryData<Message>) => cb(null, {}),
      fail: () => {},
      hang: () => {},
      count: () => {},
    });
    const port = await server.listen('127.0.0.1:0');
    const client = createClient(Client, `127.0.0.1:${port}`, { deadlineMs: 2000 });
    try {
      expect(await unary(client, EchoService.echo, {})).toEqual({});
      await server.stop(1000);
      expect(await codeOf(unary(client, EchoService.echo, {}))).toBe(status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });
});
