// The card of one session while it is being captured: PAN, expiry and security code in
// SecretDigits, plus the non-secret facts derived from them.
import type { CardBrand } from '../card/card-rules';
import type { SecretDigits } from '../card/secret-digits';

export class CardHolder {
  pan: SecretDigits | undefined;
  brand: CardBrand | undefined;
  expiry: { digits: SecretDigits; month: number; year: number } | undefined;
  securityCode: SecretDigits | undefined;

  get complete(): boolean {
    return this.pan !== undefined && this.expiry !== undefined && this.securityCode !== undefined;
  }

  setPan(pan: SecretDigits, brand: CardBrand): void {
    this.pan?.wipe();
    this.pan = pan;
    this.brand = brand;
  }

  setExpiry(digits: SecretDigits, month: number, year: number): void {
    this.expiry?.digits.wipe();
    this.expiry = { digits, month, year };
  }

  setSecurityCode(digits: SecretDigits): void {
    this.securityCode?.wipe();
    this.securityCode = digits;
  }

  wipe(): void {
    this.pan?.wipe();
    this.expiry?.digits.wipe();
    this.securityCode?.wipe();
    this.pan = undefined;
    this.expiry = undefined;
    this.securityCode = undefined;
    this.brand = undefined;
  }

  toJSON(): string {
    return '[REDACTED]';
  }
}
