/**
 * The non-secret description of a card: everything any service but dtmf-vault may hold.
 * There is deliberately no field that could carry a card number or security code.
 */
export interface MaskedCard {
  /** Gateway token (payment method id) that stands for the card. */
  pspToken: string;
  /** Lower-case brand: `visa`, `mastercard`, `amex`, `jcb`, `diners`, `discover`, `unknown`. */
  brand: string;
  /** First six digits of the card number. */
  bin6: string;
  last4: string;
  /** 1–12 */
  expiryMonth: number;
  /** Four digits, e.g. 2030. */
  expiryYear: number;
}

/** A card as shown to order systems and operators: the token is left out. */
export type CardSummary = Omit<MaskedCard, 'pspToken'>;
