import express, { type ErrorRequestHandler, type Express, urlencoded } from 'express';
import type { SimulatorContext } from './context';
import { endpoint } from './endpoint';
import { createCustomer, retrieveCustomer } from './routes/customers';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  retrievePaymentIntent,
} from './routes/payment-intents';
import { attachPaymentMethod, createPaymentMethod, retrievePaymentMethod } from './routes/payment-methods';
import { createRefund, listRefunds } from './routes/refunds';
import { searchPaymentIntents } from './routes/search';
import { createSetupIntent, retrieveSetupIntent } from './routes/setup-intents';
import { simRoutes } from './routes/sim';

/** The HTTP surface: Stripe's /v1 subset (form-encoded, like Stripe) and the /_sim test controls. */
export function createSimulatorApp(ctx: SimulatorContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/_sim', simRoutes(ctx));

  const v1 = express.Router();
  v1.use(urlencoded({ extended: true, limit: '64kb', parameterLimit: 1000 }));
  const e = (handler: Parameters<typeof endpoint>[1]) => endpoint(ctx, handler);
  v1.post('/payment_methods', e(createPaymentMethod));
  v1.get('/payment_methods/:id', e(retrievePaymentMethod));
  v1.post('/payment_methods/:id/attach', e(attachPaymentMethod));
  v1.post('/payment_intents', e(createPaymentIntent));
  v1.get('/payment_intents/search', e(searchPaymentIntents));
  v1.get('/payment_intents/:id', e(retrievePaymentIntent));
  v1.post('/payment_intents/:id/confirm', e(confirmPaymentIntent));
  v1.post('/payment_intents/:id/capture', e(capturePaymentIntent));
  v1.post('/payment_intents/:id/cancel', e(cancelPaymentIntent));
  v1.post('/refunds', e(createRefund));
  v1.get('/refunds', e(listRefunds));
  v1.post('/customers', e(createCustomer));
  v1.get('/customers/:id', e(retrieveCustomer));
  v1.post('/setup_intents', e(createSetupIntent));
  v1.get('/setup_intents/:id', e(retrieveSetupIntent));
  app.use('/v1', v1);

  app.use((req, res) => {
    res.status(404).json({
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${req.method}: ${req.path}).`,
      },
    });
  });
  app.use(badBody);
  return app;
}

/** A body that does not parse: Stripe's 400, never the body itself in the message or the log. */
const badBody: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
  const clientError = status >= 400 && status < 500;
  res.status(clientError ? status : 500).json({
    error: clientError
      ? { type: 'invalid_request_error', message: 'The request body could not be parsed.' }
      : { type: 'api_error', message: 'An unknown error occurred.' },
  });
};
