import type { Step } from '../context';
import { Prompts } from '../prompts';
import { captureCardField } from './capture-card-field';

/** Card number, ended by # (or by its brand's full length); Luhn and brand checked by the vault. */
export const cardNumber: Step = (ctx) =>
  captureCardField(ctx, 'CARD_NUMBER', Prompts.cardNumber, ctx.config.cardNumber, 'EXPIRY');
