// Pure (no DOM): the console's screens and its unit tests use it.
/**
 * The SIP URI the operator's phone or PBX blind-transfers the caller to: the IVR's address with the
 * transfer code as its user (`sip:ivr@ivr.example` and 123456 → `sip:123456@ivr.example`), so that the
 * caller needs to key nothing in after the operator has left the line.
 */
export function transferTarget(ivrSipAddress: string, code: string): string {
  const m = /^(sips?:)(?:[^@;?]*@)?(.+)$/i.exec(ivrSipAddress.trim());
  return m ? `${m[1]}${code}@${m[2]}` : ivrSipAddress;
}
