import express, { type Express, type RequestHandler, raw } from 'express';
import { type Answer, E } from '../../domain';
import { errorAnswer } from '../../domain/answer';
import { adminRoutes } from './admin-routes';
import { emitFault } from './faults';
import { CONTENT_TYPE, decodeForm, encodeAnswer } from './form-codec';
import type { SimulatorRuntime } from './simulator';

/** The HTTP surface: GMO-PG's `/payment/<Api>.idPass` (form-encoded) and the `/_sim` test controls (JSON). */
export function createSimulatorApp(sim: SimulatorRuntime): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/_sim', adminRoutes(sim));
  app.all('/payment/:api', raw({ type: () => true, limit: '64kb' }), paymentApi(sim));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not Found');
  });
  return app;
}

function paymentApi(sim: SimulatorRuntime): RequestHandler {
  return async (req, res) => {
    const started = Date.now();
    const path = req.path;
    let errInfo: string | undefined;
    res.on('finish', () =>
      sim.log({
        method: req.method,
        path,
        status: res.statusCode,
        ms: Date.now() - started,
        ...(errInfo && { errInfo }),
      }),
    );
    const charset = sim.charset;
    const fault = sim.faults.take(path);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault && fault.mode !== 'none' && !fault.process) return emitFault(res, fault.mode, null, charset);

    let answer: Answer;
    if (req.method !== 'POST') answer = errorAnswer(E.notPost);
    else {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        answer = sim.gateway.call(String(req.params.api), decodeForm(body, charset));
      } catch (error) {
        sim.log({ level: 'error', path, error: error instanceof Error ? error.name : 'unknown' });
        answer = errorAnswer('E91099996');
      }
    }
    if (answer.kind === 'error') errInfo = answer.errInfos.join('|');
    if (fault && fault.mode !== 'none') return emitFault(res, fault.mode, answer, charset);
    res.status(200).setHeader('Content-Type', CONTENT_TYPE[charset]);
    res.end(encodeAnswer(answer, charset));
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
