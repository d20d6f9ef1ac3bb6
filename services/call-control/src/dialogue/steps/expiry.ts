import type { Step } from '../context';
import { Prompts } from '../prompts';
import { captureCardField } from './capture-card-field';

/** Expiry as MMYY; a month out of range or a date in the past is invalid and asked again. */
export const expiry: Step = (ctx) =>
  captureCardField(ctx, 'EXPIRY', Prompts.expiry, ctx.config.expiry, 'SECURITY_CODE');
