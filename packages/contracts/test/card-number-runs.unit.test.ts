import { cardNumberSpans, containsCardNumber } from '@ivr/contracts';
import { APPROVED_TEST_PAN, PUBLISHED_TEST_PANS } from '../../../test/fixtures/test-cards';

/** The card number written in groups of four joined by `sep`. */
const grouped = (pan: string, sep: string): string => pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
const toFullWidth = (s: string): string =>
  s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))).replace(/-/g, '\uff0d');

describe('card-number-shaped runs in text', () => {
  it('finds every published test card, plain and grouped with spaces, dashes or dots', () => {
    for (const pan of PUBLISHED_TEST_PANS) {
      for (const sep of ['', ' ', '-', '.', ' - ', '\u2013', '\u00a0']) {
        const text = `card ${grouped(pan, sep)} exp 12/34`;
        expect({ text, found: containsCardNumber(text) }).toEqual({ text, found: true });
      }
    }
  });

  it('finds full-width digits as typed with a Japanese input method', () => {
    expect(containsCardNumber(`カード ${toFullWidth(grouped(APPROVED_TEST_PAN, '-'))}`)).toBe(true);
  });

  it('gives the span of the number, separators inside it and nothing around it', () => {
    const text = `ref 12 ${grouped(APPROVED_TEST_PAN, ' ')}, thanks`;
    const [span] = cardNumberSpans(text);
    expect(text.slice(span!.start, span!.end)).toBe(grouped(APPROVED_TEST_PAN, ' '));
  });

  it('leaves dates, amounts, phone numbers, Luhn-invalid runs and long plain runs alone', () => {
    const changed = `${APPROVED_TEST_PAN.slice(0, -1)}1`;
    for (const text of [
      'order 2026-03-01 10:00, 12,345 JPY',
      'call 03-1234-5678 or +81 90 1234 5678',
      `card ${changed}`,
      `card ${grouped(changed, ' ')}`,
      `tracking ${APPROVED_TEST_PAN}0000`,
      '1.000.000',
      '',
    ])
      expect({ text, found: containsCardNumber(text) }).toEqual({ text, found: false });
  });
});
