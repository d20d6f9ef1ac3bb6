import type { Pool } from 'pg';

/**
 * Wakes the outbox relay after commits that wrote to the outbox: `pg_notify` on its channel, sent
 * after commit (decision 0003: a NOTIFY inside the transaction serializes every notifying commit).
 * Coalesced: while one notification is on its way, any number of further commits ask for one more,
 * sent once it is done, so that a relay always hears of a commit after that commit, at a cost of at
 * most one round trip in flight per store instead of one per append. Fire and forget: a lost wake-up
 * delays publishing by the relay's poll interval at worst, and must not fail a command that committed.
 */
export class OutboxWakeup {
  private sending = false;
  private again = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  /** After a commit that wrote to the outbox. */
  poke(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      await this.pool.query('select pg_notify($1, $2)', [this.channel, '']).catch(() => undefined);
    } while (this.again);
    this.sending = false;
  }
}
