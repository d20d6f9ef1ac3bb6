import type { GatewayDeclineReason } from '@ivr/contracts';
import type { Decline, GatewayFailure } from '../outcome';
import type { GmoError } from './wire';

/**
 * GMO-PG's refusals (`ErrCode`/`ErrInfo` lists) as gateway-neutral outcomes (docs/psp/gmo-pg.md §5).
 * The first card-company code (`42G..`) decides a decline's reason; the card network (`42C..`) failing is
 * a decline for a processing error; GMO-PG being busy (`E92`) sent nothing; an internal error (`E91`) or a
 * transaction being processed (`E90010001`) may have done something; every other code is a request GMO-PG
 * refused, nothing done. The original ErrCode and ErrInfo stay in the outcome for the merchant.
 */

/** Issuer declines by the two digits of `42Gnn0000` (the catalogue's texts; §5's mapping table). */
const G_REASONS: Record<string, GatewayDeclineReason> = {
  '02': 'insufficient_funds',
  '04': 'insufficient_funds',
  '06': 'insufficient_funds',
  '03': 'limit_exceeded',
  '05': 'limit_exceeded',
  '07': 'limit_exceeded',
  '54': 'limit_exceeded',
  '55': 'limit_exceeded',
  '83': 'expired_card',
  '44': 'incorrect_cvc',
  '45': 'incorrect_cvc',
  '60': 'suspected_fraud',
  '61': 'suspected_fraud',
  '96': 'suspected_fraud',
  '65': 'incorrect_number',
  '12': 'generic_decline',
  '22': 'generic_decline',
  '30': 'generic_decline',
  '56': 'generic_decline',
  '92': 'generic_decline',
  '95': 'generic_decline',
  '97': 'generic_decline',
  '98': 'generic_decline',
  '99': 'generic_decline',
};

const REASON_TEXT: Record<GatewayDeclineReason, string> = {
  insufficient_funds: 'the card balance is insufficient',
  limit_exceeded: 'the card limit is exceeded',
  expired_card: 'the expiry is wrong or past',
  incorrect_cvc: 'the security code is wrong or missing',
  suspected_fraud: 'the card is reported lost or stolen, or refused at the issuer’s discretion',
  incorrect_number: 'the card number is wrong',
  generic_decline: 'the card cannot be used for this transaction',
  processing_error: 'the card network failed; try again later',
  card_not_supported: 'the card is not supported',
  authentication_required: 'the issuer requires authentication',
  try_again_later: 'try again later',
};

const CARD_COMPANY = /^42G(\d\d)0000$/;
const CARD_NETWORK = /^42C\d\d0000$/;
/** G67-G81: the request's values (item code, amount, tax, instalments...) were wrong: a refused request. */
const DATA_ERROR = (nn: number) => nn >= 67 && nn <= 81;

/** The decline reason of a card-company ErrInfo (`42Gnn0000`), or undefined for any other code. */
export function gmoDeclineReason(errInfo: string): GatewayDeclineReason | undefined {
  if (CARD_NETWORK.test(errInfo)) return 'processing_error';
  const m = CARD_COMPANY.exec(errInfo);
  if (!m) return undefined;
  const nn = m[1] as string;
  if (DATA_ERROR(Number(nn))) return undefined;
  return G_REASONS[nn] ?? 'generic_decline';
}

/** The parameter an `E01nnxxxx` code is about (GMO-PG numbers them by parameter). */
const PARAMETERS: Record<string, string> = {
  E0101: 'ShopID',
  E0102: 'ShopPass',
  E0103: 'ShopID',
  E0104: 'OrderID',
  E0105: 'JobCd',
  E0106: 'Amount',
  E0107: 'Tax',
  E0109: 'AccessID',
  E0110: 'AccessPass',
  E0111: 'AccessID',
  E0117: 'CardNo',
  E0118: 'Expire',
  E0119: 'SiteID',
  E0120: 'SitePass',
  E0121: 'SiteID',
  E0122: 'MemberID',
  E0123: 'CardSeq',
  E0124: 'CardSeq',
  E0126: 'Method',
  E0127: 'PayTimes',
  E0139: 'MemberID',
  E0146: 'SecurityCode',
  E0147: 'SeqMode',
  E0149: 'Amount',
  E0165: 'ShopID',
};

const list = (errors: readonly GmoError[]) => errors.map((e) => e.errInfo).join('|');

/** A refusal as an outcome; `reference` is the OrderID (or member) the call was about, for a decline. */
export function outcomeOfGmoErrors(errors: readonly GmoError[], reference?: string): GatewayFailure {
  const codes = list(errors);
  for (const error of errors) {
    const reason = gmoDeclineReason(error.errInfo);
    if (reason) return { kind: 'declined', decline: gmoDecline(error, reason, reference) };
  }
  if (errors.some((e) => e.errInfo.startsWith('E92'))) {
    return { kind: 'unavailable', cause: 'rate_limited', message: `GMO-PG is busy (${codes})` };
  }
  if (errors.some((e) => e.errInfo === 'E90010001')) {
    return { kind: 'unknown', cause: 'in_progress', message: `GMO-PG is still processing the transaction (${codes})` };
  }
  if (errors.some((e) => e.errInfo.startsWith('E91'))) {
    return { kind: 'unknown', cause: 'server_error', message: `GMO-PG failed internally (${codes})` };
  }
  const first = errors[0];
  const param = first ? PARAMETERS[first.errInfo.slice(0, 5)] : undefined;
  return {
    kind: 'rejected',
    code: first?.errInfo ?? 'gmo_error',
    message: `GMO-PG refused the request (ErrInfo ${codes})`,
    ...(param ? { param } : {}),
  };
}

function gmoDecline(error: GmoError, reason: GatewayDeclineReason, reference?: string): Decline {
  return {
    reason,
    pspCode: error.errCode,
    pspDeclineCode: error.errInfo,
    message: `GMO-PG ${error.errCode} (${error.errInfo}): ${REASON_TEXT[reason]}`,
    ...(reference ? { pspReference: reference } : {}),
  };
}

/** Whether the refusal lists this ErrInfo (e.g. `E01040010`, OrderID already used). */
export const hasErrInfo = (errors: readonly GmoError[], errInfo: string) => errors.some((e) => e.errInfo === errInfo);

/** GMO-PG's detail codes the connector reacts to, beyond mapping them. */
export const GMO = {
  orderIdUsed: 'E01040010',
  tranNotFound: 'E01110002',
  memberExists: 'E01390010',
  alreadyExecuted: 'E11010001',
  jobNotApplicable: 'E11010003',
} as const;
