// The answers every call, incoming or placed, gives to in-dialog requests that change nothing.
import type { SipRequest } from './message';
import { createResponse } from './responses';
import type { ServerInviteTransaction } from './transactions/server-invite';
import type { ServerNonInviteTransaction } from './transactions/server-non-invite';

export interface InDialogHost {
  allow: string;
  /** An INFO was refused: counted and logged (never its body), so a misconfigured SBC shows. */
  refusedInfo(callId: string): void;
}

/** OPTIONS 200; INFO 405; anything else 501, each with our Allow. */
export function answerOtherRequest(
  request: SipRequest,
  tx: ServerNonInviteTransaction | ServerInviteTransaction,
  host: InDialogHost,
  callId: string,
): void {
  const allow = [{ name: 'Allow', value: host.allow }];
  if (request.method === 'OPTIONS') {
    tx.respond(createResponse(request, 200, { headers: allow }));
  } else if (request.method === 'INFO') {
    // Refused, not acknowledged: an SBC sending keypad tones as INFO must be set to RFC 4733 or
    // in-band audio, or card digits would pass through call-control. 405 with the Allow list
    // (RFC 3261 §8.2.1); the dialog goes on (RFC 5057). The body is never read or logged.
    host.refusedInfo(callId);
    tx.respond(createResponse(request, 405, { headers: allow }));
  } else {
    tx.respond(createResponse(request, 501, { headers: allow }));
  }
}
