/** A telephone keypad key. */
export type DtmfKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** RFC 4733 §3.2 event codes 0-15, in order. */
export const KEYS_BY_EVENT_CODE: readonly DtmfKey[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
];

export function isDigitKey(key: DtmfKey): boolean {
  return key >= '0' && key <= '9';
}
