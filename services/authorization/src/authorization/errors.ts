/** Domain errors: the gRPC adapter maps each to a status code; messages never hold card data. */
export class InvalidArgument extends Error {
  override readonly name = 'InvalidArgument';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

/** The payment id was used before with other parameters. */
export class IdempotencyConflict extends Error {
  override readonly name = 'IdempotencyConflict';
}

export class AuthorizationNotFound extends Error {
  override readonly name = 'AuthorizationNotFound';
  constructor(readonly paymentId: string) {
    super(`no authorization for payment ${paymentId}`);
  }
}

/** The command does not fit the authorization's state (capture a decline, void a capture, ...). */
export class InvalidState extends Error {
  override readonly name = 'InvalidState';
}
