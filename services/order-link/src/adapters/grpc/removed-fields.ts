// Fields removed from CreatePaymentRequest keep their numbers reserved, and a client generated from an
// older copy of the contract may still send them: the generated decoder would drop them without a word
// and the payment would go ahead in a mode the client did not ask for. So the request's bytes are read
// once more for the removed numbers, and a request that carries one is refused (services.ts) with the
// reason of app/removed-options.ts.
import { CreatePaymentRequest, PaymentServiceService } from '@ivr/contracts/orderlink/v1';
import { REMOVED_PAYMENT_OPTIONS } from '../../app/removed-options';

/** Reserved numbers of CreatePaymentRequest (proto/ivr/orderlink/v1/orderlink.proto) → their old names. */
const REMOVED_NUMBERS: ReadonlyMap<number, string> = new Map([[8, 'three_way']]);
for (const name of REMOVED_NUMBERS.values()) {
  if (!REMOVED_PAYMENT_OPTIONS.some((o) => o.grpc === name)) throw new Error(`no reason given for removed ${name}`);
}

const REMOVED = Symbol('removed fields present');
type Marked = CreatePaymentRequest & { [REMOVED]?: string[] };

/** The removed fields a decoded request arrived with (names as they were in the contract). */
export function removedFieldsOf(request: CreatePaymentRequest): string[] {
  return (request as Marked)[REMOVED] ?? [];
}

/** PaymentService as generated, but CreatePayment's requests remember the removed fields they carried. */
export const paymentServiceDefinition: typeof PaymentServiceService = {
  ...PaymentServiceService,
  createPayment: {
    ...PaymentServiceService.createPayment,
    requestDeserialize: (bytes: Buffer): CreatePaymentRequest => {
      const request: Marked = CreatePaymentRequest.decode(bytes);
      const present = fieldNumbers(bytes).flatMap((n) => REMOVED_NUMBERS.get(n) ?? []);
      if (present.length > 0) request[REMOVED] = [...new Set(present)];
      return request;
    },
  },
};

/** The field numbers of a protobuf message's top level (wire format: tag varint, then the value). */
export function fieldNumbers(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.length) throw new RangeError('truncated varint');
      const b = bytes[pos++]!;
      if (shift < 35) value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new RangeError('varint too long');
  };
  try {
    while (pos < bytes.length) {
      const tag = varint();
      const wireType = tag % 8;
      out.push(Math.floor(tag / 8));
      if (wireType === 0) varint();
      else if (wireType === 1) pos += 8;
      else if (wireType === 2) {
        const length = varint();
        pos += length;
      } else if (wireType === 5) pos += 4;
      else break; // groups (3, 4) are not used by proto3; the decoder has judged the rest already
    }
  } catch {
    // a malformed tail: the generated decoder has already refused or read what it could
  }
  return out;
}
