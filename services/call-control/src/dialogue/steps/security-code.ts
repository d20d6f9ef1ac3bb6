import type { Step } from '../context';
import { Prompts } from '../prompts';
import { captureCardField } from './capture-card-field';

/** Security code: 3 digits, 4 for American Express (the vault knows the brand from the number). */
export const securityCode: Step = (ctx) =>
  captureCardField(ctx, 'SECURITY_CODE', Prompts.securityCode, ctx.config.securityCode, 'REGISTERING');
