import { E } from './codes';

/**
 * A request's parameters with GMO-PG's rules. An empty value counts as absent (GMO-PG's own module sends
 * every parameter, empty ones as `Name=`). Readers record every problem instead of stopping at the first,
 * because GMO-PG answers them all at once; `check()` throws them.
 */
export class Params {
  readonly problems: string[] = [];

  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get(name: string): string | undefined {
    const value = this.values.get(name);
    return value === undefined || value === '' ? undefined : value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  fail(errInfo: string): void {
    if (!this.problems.includes(errInfo)) this.problems.push(errInfo);
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** A text value: `missing` when required and absent, `tooLong`/`format` when it breaks the rule. */
  text(
    name: string,
    rule: { missing?: string; max?: number; tooLong?: string; pattern?: RegExp; format?: string },
  ): string | undefined {
    const value = this.get(name);
    if (value === undefined) {
      if (rule.missing) this.fail(rule.missing);
      return undefined;
    }
    if (rule.max !== undefined && value.length > rule.max) {
      this.fail(rule.tooLong ?? rule.format ?? E.parameterCombination);
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      this.fail(rule.format ?? E.parameterCombination);
      return undefined;
    }
    return value;
  }

  /** A whole number of at most `digits` digits. */
  integer(
    name: string,
    rule: { missing?: string; notNumeric: string; digits: number; tooLarge: string },
  ): number | undefined {
    const value = this.get(name);
    if (value === undefined) {
      if (rule.missing) this.fail(rule.missing);
      return undefined;
    }
    if (!/^\d+$/.test(value)) {
      this.fail(rule.notNumeric);
      return undefined;
    }
    if (value.length > rule.digits) {
      this.fail(rule.tooLarge);
      return undefined;
    }
    return Number(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], rule: { missing?: string; invalid: string }) {
    const value = this.get(name);
    if (value === undefined) {
      if (rule.missing) this.fail(rule.missing);
      return undefined;
    }
    if (!allowed.includes(value as T)) {
      this.fail(rule.invalid);
      return undefined;
    }
    return value as T;
  }
}

const ALNUM = /^[A-Za-z0-9]+$/;

/** ShopID (13) and ShopPass (10), half-width alphanumerics. */
export function readShop(p: Params) {
  const shopId = p.text('ShopID', { missing: E.shopIdMissing, max: 13, pattern: ALNUM, format: E.shopIdFormat });
  const shopPass = p.text('ShopPass', {
    missing: E.shopPassMissing,
    max: 10,
    pattern: ALNUM,
    format: E.shopPassFormat,
  });
  return shopId !== undefined && shopPass !== undefined ? { shopId, shopPass } : undefined;
}

/** SiteID (13) and SitePass (20; unconfirmed length). `required` false: only when one of them is given. */
export function readSite(p: Params, required: boolean) {
  if (!required && !p.has('SiteID') && !p.has('SitePass')) return undefined;
  const siteId = p.text('SiteID', { missing: E.siteIdMissing, max: 13, pattern: ALNUM, format: E.siteIdFormat });
  const sitePass = p.text('SitePass', {
    missing: E.sitePassMissing,
    max: 20,
    pattern: ALNUM,
    format: E.sitePassFormat,
  });
  return siteId !== undefined && sitePass !== undefined ? { siteId, sitePass } : undefined;
}

export function readOrderId(p: Params): string | undefined {
  const orderId = p.text('OrderID', { missing: E.orderIdMissing, max: 27, tooLong: E.orderIdTooLong });
  if (orderId !== undefined && !/^[A-Za-z0-9-]+$/.test(orderId)) {
    p.fail(E.orderIdChars);
    return undefined;
  }
  return orderId;
}

/** AccessID and AccessPass as EntryTran issued them (32 characters each). */
export function readAccess(p: Params) {
  const accessId = p.get('AccessID');
  const accessPass = p.get('AccessPass');
  if (accessId === undefined) p.fail(E.accessIdMissing);
  else if (!/^[A-Za-z0-9]{32}$/.test(accessId)) p.fail(E.accessIdFormat);
  if (accessPass === undefined) p.fail(E.accessPassMissing);
  else if (!/^[A-Za-z0-9]{32}$/.test(accessPass)) p.fail(E.accessPassFormat);
  // Given but wrong values are still looked up (GMO-PG answers E01110002 beside the format errors).
  return accessId !== undefined && accessPass !== undefined ? { accessId, accessPass } : undefined;
}

export const JOB_CODES = ['CHECK', 'CAPTURE', 'AUTH', 'SAUTH', 'SALES', 'VOID', 'RETURN', 'RETURNX'] as const;
export type JobCd = (typeof JOB_CODES)[number];

/** JobCd: undefined values are E01050002; defined ones this API does not take are E01050004. */
export function readJobCd<T extends JobCd>(p: Params, allowed: readonly T[]): T | undefined {
  const jobCd = p.oneOf('JobCd', JOB_CODES, { missing: E.jobCdMissing, invalid: E.jobCdUndefined });
  if (jobCd === undefined) return undefined;
  if (!allowed.includes(jobCd as T)) {
    p.fail(E.jobCdNotHere);
    return undefined;
  }
  return jobCd as T;
}

/** Amount (yen, 7 digits) and Tax; their sum at most 9,999,999. Amount 0 is refused as missing. */
export function readAmount(p: Params, required: boolean) {
  const amount = p.integer('Amount', {
    missing: required ? E.amountMissing : undefined,
    notNumeric: E.amountNotNumeric,
    digits: 7,
    tooLarge: E.amountTooLarge,
  });
  const tax = p.integer('Tax', { notNumeric: E.taxNotNumeric, digits: 7, tooLarge: E.taxTooLarge }) ?? 0;
  if (amount === 0) {
    p.fail(E.amountMissing);
    return undefined;
  }
  if (amount !== undefined && amount + tax > 9_999_999) {
    p.fail(E.amountPlusTaxTooLarge);
    return undefined;
  }
  return amount === undefined ? undefined : { amount, tax };
}

export function readMemberId(p: Params): string | undefined {
  return p.text('MemberID', {
    missing: E.memberIdMissing,
    max: 60,
    tooLong: E.memberIdTooLong,
    pattern: /^[A-Za-z0-9._@-]+$/,
    format: E.memberIdFormat,
  });
}

export type SeqMode = '0' | '1';

export function readSeqMode(p: Params): SeqMode {
  return p.oneOf('SeqMode', ['0', '1'] as const, { invalid: E.seqModeFormat }) ?? '0';
}

export function readCardSeq(p: Params, required: boolean): number | undefined {
  return p.integer('CardSeq', {
    missing: required ? E.cardSeqMissing : undefined,
    notNumeric: E.cardSeqNotNumeric,
    digits: 4,
    tooLarge: E.cardSeqMax,
  });
}

/**
 * The card fields: CardNo (10-16 digits), Expire (YYMM), SecurityCode (3-4 digits), HolderName. The number
 * is returned to be classified and dropped at once; nothing stores it.
 */
export function readCard(p: Params) {
  const cardNo = p.get('CardNo');
  if (cardNo === undefined) p.fail(E.cardNoMissing);
  else if (!/^\d+$/.test(cardNo)) p.fail(E.cardNoNotNumeric);
  else if (cardNo.length > 16) p.fail(E.cardNoTooLong);
  else if (cardNo.length < 10) p.fail(E.cardNoLength);
  const expire = p.get('Expire');
  if (expire === undefined) p.fail(E.expireMissing);
  else if (expire.length !== 4) p.fail(E.expireLength);
  else if (!/^\d{4}$/.test(expire)) p.fail(E.expireNotNumeric);
  else if (Number(expire.slice(2)) < 1 || Number(expire.slice(2)) > 12) p.fail(E.expireFormat);
  const securityCode = readSecurityCode(p);
  const holderName = p.text('HolderName', {
    max: 50,
    tooLong: E.holderNameTooLong,
    pattern: /^[A-Za-z0-9 .,'/-]+$/,
    format: E.holderNameFormat,
  });
  if (!p.ok) return undefined;
  return { cardNo: cardNo as string, expire: expire as string, securityCode, holderName: holderName ?? '' };
}

export function readSecurityCode(p: Params): string | undefined {
  return p.text('SecurityCode', { pattern: /^\d{3,4}$/, format: E.securityCodeFormat });
}

export const METHODS = ['1', '2', '3', '4', '5'] as const;

/** Method (1 lump sum ... 5 bonus instalments) and PayTimes (for instalments, 2 and 5). */
export function readMethod(p: Params, required: boolean) {
  const method = p.oneOf('Method', METHODS, {
    missing: required ? E.methodMissing : undefined,
    invalid: E.methodInvalid,
  });
  const needsTimes = method === '2' || method === '5';
  const payTimes = p.integer('PayTimes', {
    missing: needsTimes ? E.payTimesMissing : undefined,
    notNumeric: E.payTimesNotNumeric,
    digits: 2,
    tooLarge: E.payTimesNotNumeric,
  });
  return { method: method ?? '', payTimes: needsTimes && payTimes !== undefined ? String(payTimes) : '' };
}

export function readClientFields(p: Params): [string, string, string] {
  const codes = [E.clientField1TooLong, E.clientField2TooLong, E.clientField3TooLong];
  const fields = codes.map((code, i) => p.text(`ClientField${i + 1}`, { max: 100, tooLong: code }) ?? '');
  return fields as [string, string, string];
}
