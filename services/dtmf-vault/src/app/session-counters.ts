// What a media session counts (metrics, tests): never a digit, only how many of each thing happened.
export interface SessionCounters {
  packetsReceived: number;
  packetsAccepted: number;
  garbage: number;
  foreignSsrc: number;
  wrongSource: number;
  unexpectedPayloadType: number;
  badTelephoneEvents: number;
  /** SRTP only: packets whose authentication tag did not match (wrong key, tampered, forged). */
  srtpAuthFailed: number;
  /** SRTP only: packets already received, or older than the replay window. */
  srtpReplayed: number;
  keys: number;
  keysWithoutCapture: number;
  packetsSent: number;
  /** Captured cards wiped because no registration came within the bound (VAULT_CARD_TTL_SECONDS). */
  cardsWipedUnregistered: number;
}

export function zeroCounters(): SessionCounters {
  return {
    packetsReceived: 0,
    packetsAccepted: 0,
    garbage: 0,
    foreignSsrc: 0,
    wrongSource: 0,
    unexpectedPayloadType: 0,
    badTelephoneEvents: 0,
    srtpAuthFailed: 0,
    srtpReplayed: 0,
    keys: 0,
    keysWithoutCapture: 0,
    packetsSent: 0,
    cardsWipedUnregistered: 0,
  };
}

/** Adds `counters` into `sum`. */
export function addCounters(sum: SessionCounters, counters: SessionCounters): void {
  for (const key of Object.keys(sum) as (keyof SessionCounters)[]) sum[key] += counters[key];
}
