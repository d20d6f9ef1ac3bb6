/**
 * Stripe's error object (https://docs.stripe.com/api/errors): `{ error: { type, code, decline_code,
 * message, param, ... } }` with the HTTP status Stripe uses for it. Handlers throw SimulatorError; the
 * endpoint wrapper turns it into the answer, so no handler writes a response by hand.
 */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  [extra: string]: unknown;
}

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

export function invalidRequest(message: string, param?: string, code = 'parameter_invalid'): SimulatorError {
  return new SimulatorError(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) });
}

export function missingParam(param: string): SimulatorError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function unknownParam(param: string): SimulatorError {
  return invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function noSuch(kind: string, id: string, param: string): SimulatorError {
  return new SimulatorError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
  });
}

export function unexpectedState(kind: string, id: string, status: string, action: string): SimulatorError {
  return new SimulatorError(400, {
    type: 'invalid_request_error',
    code: `${kind}_unexpected_state`,
    message: `This ${kind.replace('_', ' ')} (${id}) could not be ${action} because it has a status of ${status}.`,
  });
}
