// A leg's media direction as the vault answered it in SDP (RFC 3264), from the vault's side: `sendonly`
// and `inactive` put the peer on hold (the vault keeps sending only in `sendonly`), `recvonly` is the
// peer's hold (the vault stops sending). A leg that expects no RTP cannot fall silent: its silence
// clock starts again when it expects RTP again.

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export class LegDirection {
  private current: MediaDirection = 'sendrecv';
  private expectingSince: number;

  constructor(openedAt: number) {
    this.expectingSince = openedAt;
  }

  get value(): MediaDirection {
    return this.current;
  }

  /** Whether the vault sends RTP on the leg. */
  get sends(): boolean {
    return this.current === 'sendrecv' || this.current === 'sendonly';
  }

  /** Whether the peer is expected to send RTP on the leg. */
  get receives(): boolean {
    return this.current === 'sendrecv' || this.current === 'recvonly';
  }

  set(direction: MediaDirection, now: number): void {
    if (!this.receives && (direction === 'sendrecv' || direction === 'recvonly')) this.expectingSince = now;
    this.current = direction;
  }

  /** How long the leg has been silent while RTP was expected (0 while on hold). */
  silentFor(now: number, lastPacketAt: number | undefined): number {
    if (!this.receives) return 0;
    return now - Math.max(lastPacketAt ?? Number.NEGATIVE_INFINITY, this.expectingSince);
  }
}
