// Every prompt the dialogue needs, with the text it was recorded from. scripts/make-prompts.ts
// records these (espeak-ng / open_jtalk + sox); professional recordings replace them file by file
// through PROMPTS_DIR. Sentences are keyed by the prompt ids of @ivr/contracts (the compiler wants a
// text for each id, in each language); number fragments ("num-*", "cur-*") are this catalog's own,
// composed into amounts by read-back.ts.
import type { Language, PromptId } from '@ivr/contracts';

/** Sentences played by prompt id. */
export const SENTENCES = {
  welcome: { en: 'Welcome to secure payment.', ja: 'お支払いの受付です。' },
  'amount-is': { en: 'The amount is', ja: 'お支払い金額は' },
  'amount-end': { en: '.', ja: 'です。' },
  'press-1-to-confirm': { en: 'Press 1 to confirm, 2 to cancel.', ja: '確認は1、取り消しは2を押してください。' },
  'enter-card-number': { en: 'Enter your card number, then press hash.', ja: 'カード番号とシャープを押してください。' },
  'enter-expiry': {
    en: 'Enter the expiry month and year, four digits.',
    ja: '有効期限を月、年の4桁で押してください。',
  },
  'enter-security-code': {
    en: 'Enter the security code on the back of the card.',
    ja: 'セキュリティコードを押してください。',
  },
  invalid: { en: 'That entry is not valid.', ja: '入力が正しくありません。' },
  'try-again': { en: 'Please try again.', ja: 'もう一度入力してください。' },
  'timed-out': { en: 'We did not receive your entry.', ja: '入力が確認できませんでした。' },
  'please-wait': { en: 'Please wait.', ja: '少々お待ちください。' },
  approved: { en: 'Your payment is approved.', ja: 'お支払いが完了しました。' },
  declined: { en: 'Your payment was declined.', ja: 'お支払いは承認されませんでした。' },
  registered: { en: 'Your card has been registered.', ja: 'カードが登録されました。' },
  cancelled: { en: 'The payment has been cancelled.', ja: 'お支払いを取り消しました。' },
  'transferring-back': { en: 'Returning you to the operator.', ja: 'オペレーターにおつなぎします。' },
  goodbye: { en: 'Thank you. Goodbye.', ja: 'ありがとうございました。' },
  'enter-transfer-code': {
    en: 'Enter the transfer code the operator gave you, then press hash.',
    ja: 'オペレーターがお伝えした受付番号とシャープを押してください。',
  },
  'unknown-code': {
    en: 'That transfer code is not valid, or it has expired.',
    ja: 'この受付番号は無効か、有効期限が切れています。',
  },
  'payment-failed': { en: 'The payment could not be completed.', ja: 'お支払いを完了できませんでした。' },
  'call-will-be-returned': {
    en: 'We could not put you through. The operator will call you back.',
    ja: 'おつなぎできませんでした。オペレーターから折り返しお電話いたします。',
  },
  'operator-unavailable': {
    en: 'Your operator could not join this call. Please go on; you will be put back through when you are done.',
    ja: 'オペレーターがこの通話に参加できませんでした。このままお手続きを続けてください。終了後におつなぎします。',
  },
  'operator-left': {
    en: 'Your operator has left the call. Please go on.',
    ja: 'オペレーターが通話から離れました。このままお続けください。',
  },
} as const satisfies Record<PromptId, Record<Language, string>>;

const EN_ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const JA_ONES = ['ゼロ', 'いち', 'に', 'さん', 'よん', 'ご', 'ろく', 'なな', 'はち', 'きゅう'];
const JA_TENS = [
  '',
  'じゅう',
  'にじゅう',
  'さんじゅう',
  'よんじゅう',
  'ごじゅう',
  'ろくじゅう',
  'ななじゅう',
  'はちじゅう',
  'きゅうじゅう',
];
const JA_HUNDREDS = [
  '',
  'ひゃく',
  'にひゃく',
  'さんびゃく',
  'よんひゃく',
  'ごひゃく',
  'ろっぴゃく',
  'ななひゃく',
  'はっぴゃく',
  'きゅうひゃく',
];
const JA_THOUSANDS = [
  '',
  'せん',
  'にせん',
  'さんぜん',
  'よんせん',
  'ごせん',
  'ろくせん',
  'ななせん',
  'はっせん',
  'きゅうせん',
];

function enFragments(): Record<string, string> {
  const out: Record<string, string> = {};
  EN_ONES.forEach((word, n) => {
    out[`num-${n}`] = word;
  });
  for (let t = 2; t <= 9; t++) out[`num-${t * 10}`] = EN_TENS[t] as string;
  Object.assign(out, {
    'num-hundred': 'hundred',
    'num-thousand': 'thousand',
    'num-million': 'million',
    'word-and': 'and',
    'cur-yen': 'yen',
    'cur-dollar': 'dollar',
    'cur-dollars': 'dollars',
    'cur-euro': 'euro',
    'cur-euros': 'euros',
    'cur-cent': 'cent',
    'cur-cents': 'cents',
  });
  return out;
}

function jaFragments(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let d = 0; d <= 9; d++) out[`num-${d}`] = JA_ONES[d] as string;
  for (let d = 1; d <= 9; d++) {
    out[`num-${d * 10}`] = JA_TENS[d] as string;
    out[`num-${d * 100}`] = JA_HUNDREDS[d] as string;
    out[`num-${d * 1000}`] = JA_THOUSANDS[d] as string;
  }
  Object.assign(out, {
    'num-issen': 'いっせん', // 1000 before 万 and 億 is "issen", not "sen"
    'num-man': 'まん',
    'num-oku': 'おく',
    'cur-yen': 'えん',
    'cur-dollars': 'ドル',
    'cur-euros': 'ユーロ',
    'cur-cents': 'セント',
  });
  return out;
}

/** Number and currency fragments per language, id -> text. */
export const FRAGMENTS: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: enFragments(),
  ja: jaFragments(),
};

/** Every prompt id and its text for one language. */
export function promptTexts(language: Language): Record<string, string> {
  const texts: Record<string, string> = { ...FRAGMENTS[language] };
  for (const [id, text] of Object.entries(SENTENCES)) texts[id] = text[language];
  return texts;
}
