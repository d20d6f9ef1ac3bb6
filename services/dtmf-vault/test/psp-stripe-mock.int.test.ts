import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { startStripeMock } from '@ivr/psp-simulator';
import { requestBytes } from '../src/adapters/psp/card-request';
import { cardFormParts, StripeTokenizer } from '../src/adapters/psp/stripe-tokenizer';
import { TokenizeError } from '../src/card/card-tokenizer';
import { secretDigitsFromString as secret } from '../src/card/secret-digits';

const card = () => ({
  pan: secret('4242424242424242'),
  expiryMonth: 12,
  expiryYear: 2030,
  securityCode: secret('123'),
});

describe('Stripe tokenizer against stripe-mock', () => {
  let mock: Awaited<ReturnType<typeof startStripeMock>>;
  beforeAll(async () => {
    mock = await startStripeMock({ https: true });
  });
  afterAll(() => mock.close());

  it('creates a payment method and returns its id', async () => {
    const tokenizer = new StripeTokenizer({ baseUrl: mock.url, apiKey: 'sk_test_123', timeoutMs: 5000 });
    const { token } = await tokenizer.tokenize(card(), { idempotencyKey: `vault-test-${Date.now()}` });
    expect(token).toMatch(/^pm_/);
  });

  it('registers over HTTPS with the request handed to the TLS socket in one write of one buffer, never a writev', async () => {
    const https = mock.https;
    if (!https) throw new Error('stripe-mock has no HTTPS address');
    const tokenizer = new StripeTokenizer({ baseUrl: https.url, apiKey: 'sk_test_123', timeoutMs: 5000, ca: https.ca });
    const write = jest.spyOn(net.Socket.prototype, 'write');
    const writev = jest.spyOn(net.Socket.prototype as unknown as { _writev: () => void }, '_writev');
    try {
      const { token } = await tokenizer.tokenize(card(), { idempotencyKey: `vault-tls-${Date.now()}` });
      expect(token).toMatch(/^pm_/);
      expect(write).toHaveBeenCalledTimes(1);
      expect(Buffer.isBuffer(write.mock.calls[0]?.[0])).toBe(true);
      expect(writev).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      writev.mockRestore();
    }
  });

  it('classifies an authentication failure as PSP unavailable, without card data in the message', async () => {
    const tokenizer = new StripeTokenizer({ baseUrl: mock.url, apiKey: 'not-a-key', timeoutMs: 5000 });
    const failure = await tokenizer.tokenize(card(), { idempotencyKey: 'k1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TokenizeError);
    expect((failure as TokenizeError).failure).toBe('unavailable');
    expect(String((failure as Error).message)).not.toMatch(/4242/);
  });
});

describe('Stripe tokenizer failure paths', () => {
  it('encodes the whole request, form body from SecretDigits included, in one buffer', () => {
    const bytes = requestBytes({
      url: new URL('https://psp.example/v1/payment_methods'),
      headers: { 'Idempotency-Key': 'k1' },
      body: cardFormParts(card()),
    });
    const body =
      'type=card&card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=12&card%5Bexp_year%5D=2030&card%5Bcvc%5D=123';
    expect(bytes.toString('latin1')).toBe(
      [
        'POST /v1/payment_methods HTTP/1.1',
        'Host: psp.example',
        'Content-Type: application/x-www-form-urlencoded',
        `Content-Length: ${body.length}`,
        'Connection: close',
        'Idempotency-Key: k1',
        '',
        body,
      ].join('\r\n'),
    );
  });

  it('zeroes the request once the PSP has answered, and maps 402 to declined', async () => {
    const seen: Buffer[] = [];
    const server = http.createServer((req, res) => {
      req.on('data', (chunk: Buffer) => seen.push(chunk));
      req.on('end', () => {
        res.writeHead(402, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tokenizer = new StripeTokenizer({ baseUrl: url, apiKey: 'sk_test_x', timeoutMs: 5000 });
    const write = jest.spyOn(net.Socket.prototype, 'write');
    const failure = await tokenizer.tokenize(card(), { idempotencyKey: 'k2' }).catch((e: unknown) => e);
    const written = write.mock.calls.map((call) => call[0]);
    write.mockRestore();
    server.close();
    expect(failure).toMatchObject({
      failure: 'declined',
      decline: { reason: 'insufficient_funds', pspCode: 'card_declined', pspDeclineCode: 'insufficient_funds' },
    });
    const body = Buffer.concat(seen).toString('latin1');
    expect(body).toContain('card%5Bnumber%5D=4242424242424242&');
    // The one buffer that carried it (the client's first write; the server's answer follows) is all zeroes now.
    expect(Buffer.isBuffer(written[0])).toBe(true);
    expect((written[0] as Buffer).every((b) => b === 0)).toBe(true);
  });

  it('gives up on a PSP that keeps answering too slowly: a total deadline, not only an idle timeout', async () => {
    // Never idle for long (a byte every 50 ms), done only after about 2 s: the idle timeout never fires.
    const answer = Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"id":"pm_slow"}',
      'latin1',
    );
    const dripping = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        let at = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || at >= answer.length) {
            clearInterval(timer);
            socket.end();
            return;
          }
          socket.write(answer.subarray(at, at + 1));
          at++;
        }, 20);
      });
    });
    await new Promise<void>((resolve) => dripping.listen(0, '127.0.0.1', resolve));
    const slow = new StripeTokenizer({
      baseUrl: `http://127.0.0.1:${(dripping.address() as AddressInfo).port}`,
      apiKey: 'k',
      timeoutMs: 1000,
      deadlineMs: 500,
    });
    const failure = await slow.tokenize(card(), { idempotencyKey: 'k' }).catch((e: unknown) => e);
    dripping.close();
    expect(failure).toBeInstanceOf(TokenizeError);
    expect(failure).toMatchObject({ failure: 'timeout', message: expect.stringMatching(/within 500 ms/) });
  });

  it('reports an unreachable PSP as unavailable and a silent one as timeout', async () => {
    const unreachable = new StripeTokenizer({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', timeoutMs: 1000 });
    await expect(unreachable.tokenize(card(), { idempotencyKey: 'k' })).rejects.toMatchObject({
      failure: 'unavailable',
    });
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = new StripeTokenizer({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      apiKey: 'k',
      timeoutMs: 200,
    });
    await expect(slow.tokenize(card(), { idempotencyKey: 'k' })).rejects.toMatchObject({ failure: 'timeout' });
    silent.closeAllConnections();
    silent.close();
  });
});
