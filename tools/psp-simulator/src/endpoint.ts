import type { Request, RequestHandler, Response } from 'express';
import type { SimulatorContext, StripeHandler } from './context';
import type { FaultRule } from './faults';
import type { StoredAnswer } from './idempotency';
import { newId } from './ids';
import { FormParams } from './params';
import { SimulatorError } from './stripe-errors';

/**
 * Wraps a Stripe endpoint handler with what every Stripe request goes through, in this order:
 * API key check, injected latency and faults, Idempotency-Key handling (POST only), the Stripe error
 * shape, and a log line.
 */
export function endpoint(ctx: SimulatorContext, handler: StripeHandler): RequestHandler {
  return async (req, res) => {
    const started = Date.now();
    const path = req.baseUrl + req.path;
    res.on('finish', () => ctx.log({ method: req.method, path, status: res.statusCode, ms: Date.now() - started }));
    const apiKey = apiKeyOf(req);
    if (!apiKey) return send(res, unauthorized(req));

    const fault = ctx.faults.take(path);
    const latencyMs = fault?.latencyMs ?? 0;
    if (fault && fault.mode !== 'none' && !fault.process) {
      await sleep(latencyMs);
      return emitFault(res, fault, null);
    }

    const answer = await execute(ctx, handler, req, path, apiKey, latencyMs);
    if (fault && fault.mode !== 'none') return emitFault(res, fault, answer);
    if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
    send(res, answer);
  };
}

async function execute(
  ctx: SimulatorContext,
  handler: StripeHandler,
  req: Request,
  path: string,
  apiKey: string,
  latencyMs: number,
): Promise<StoredAnswer & { replayed: boolean }> {
  const header = req.get('Idempotency-Key');
  const idempotencyKey = req.method === 'POST' && header ? header : null;
  const stripeRequest = {
    params: FormParams.from(req.body),
    pathParams: req.params as Record<string, string>,
    query: req.query as Record<string, unknown>,
    idempotencyKey,
  };
  // The latency is the PSP's processing time: the idempotency key is held (busy) while it passes.
  const run = async () => {
    if (latencyMs > 0) await sleep(latencyMs);
    return handler(ctx, stripeRequest);
  };
  try {
    if (idempotencyKey === null) return { ...(await run()), replayed: false };
    if (idempotencyKey.length > 255) {
      throw new SimulatorError(400, {
        type: 'invalid_request_error',
        message: 'Idempotency-Key must be at most 255 characters.',
      });
    }
    // The fingerprint is taken before the handler runs: handlers drop card fields from the body.
    const fingerprint = ctx.idempotency.fingerprint(req.method, path, req.body ?? {});
    return await ctx.idempotency.run(apiKey, idempotencyKey, fingerprint, run);
  } catch (error) {
    if (error instanceof SimulatorError) return { status: error.status, body: { error: error.body }, replayed: false };
    const message = error instanceof Error ? error.name : 'unknown';
    ctx.log({ level: 'error', path, error: message });
    return {
      status: 500,
      body: { error: { type: 'api_error', message: 'An unknown error occurred.' } },
      replayed: false,
    };
  }
}

function emitFault(res: Response, fault: FaultRule, answer: StoredAnswer | null): void {
  switch (fault.mode) {
    case 'timeout':
      // Hold the request open: the client's own timeout decides. Closing the simulator drops it.
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'malformed': {
      const full = JSON.stringify(answer?.body ?? { object: 'payment_intent' });
      res
        .status(200)
        .type('application/json')
        .send(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      return;
    }
    case 'http500':
    case 'http503':
      res.status(fault.mode === 'http500' ? 500 : 503);
      res.setHeader('Request-Id', newId('req'));
      res.json({
        error: {
          type: 'api_error',
          message:
            fault.mode === 'http500'
              ? 'An unknown error occurred while processing your request (simulated).'
              : 'The service is temporarily unavailable (simulated).',
        },
      });
      return;
    case 'none':
      return;
  }
}

function send(res: Response, answer: StoredAnswer): void {
  res.setHeader('Request-Id', newId('req'));
  res.status(answer.status).json(answer.body);
}

/** Stripe takes the secret key as a Bearer token or as the Basic-auth user name. */
function apiKeyOf(req: Request): string | null {
  const header = req.get('Authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  let key = bearer?.[1] ?? null;
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (!key && basic?.[1]) key = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] ?? null;
  return key && /^(sk|rk)_test_\w+$/.test(key) ? key : null;
}

function unauthorized(req: Request): StoredAnswer {
  const message = req.get('Authorization')
    ? 'Invalid API Key provided. The simulator accepts test-mode secret keys only (sk_test_...).'
    : 'You did not provide an API key. You need to provide your API key in the Authorization header, ' +
      'using Bearer auth (e.g. "Authorization: Bearer YOUR_SECRET_KEY").';
  return { status: 401, body: { error: { type: 'invalid_request_error', message } } };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
