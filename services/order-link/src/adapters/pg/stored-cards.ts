import type { Pool } from 'pg';
import type { StoredCardRecord, StoredCards } from '../../app/ports';

/** `stored_cards` (migrations/005), written by PaymentStore when a REGISTER_CARD payment is approved. */
export class StoredCardRepository implements StoredCards {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async find(orderSystem: string, storedCardReference: string): Promise<StoredCardRecord | null> {
    const { rows } = await this.pool.query<{ registration_payment_id: string; customer_reference: string }>(
      `select registration_payment_id, customer_reference from "${this.schema}".stored_cards
        where order_system = $1 and stored_card_reference = $2`,
      [orderSystem, storedCardReference],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      registrationPaymentId: row.registration_payment_id,
      storedCardReference,
      customerReference: row.customer_reference,
    };
  }
}
