/**
 * Transfer codes are what the operator's PBX dials (or the caller keys) to reach the right payment.
 * Short and numeric so they can be keyed; uniqueness among live payments is enforced by the store
 * (a unique row per code), which asks for another code on a clash.
 */
export const DEFAULT_TRANSFER_CODE_LENGTH = 6;
export const DEFAULT_TRANSFER_CODE_TTL_MS = 15 * 60 * 1000;

/** `randomInt(max)` returns an integer in [0, max); injected so that tests are deterministic. */
export function generateTransferCode(
  randomInt: (max: number) => number,
  length = DEFAULT_TRANSFER_CODE_LENGTH,
): string {
  let code = String(1 + randomInt(9)); // no leading zero: some PBX dial plans strip it
  while (code.length < length) code += String(randomInt(10));
  return code;
}
