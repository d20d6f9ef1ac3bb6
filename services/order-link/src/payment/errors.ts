/** Why a command was refused; the API maps each code to one HTTP status / gRPC code. */
export type PaymentRejectionCode = 'NOT_FOUND' | 'ALREADY_EXISTS' | 'INVALID_STATE' | 'INVALID_ARGUMENT';

export class PaymentRejected extends Error {
  constructor(
    readonly code: PaymentRejectionCode,
    message: string,
    /** The request field at fault, for problem details. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PaymentRejected';
  }
}
