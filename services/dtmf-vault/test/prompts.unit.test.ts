import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LANGUAGES } from '@ivr/contracts';
import { promptTexts } from '../src/prompts/catalog';
import { DEFAULT_PROMPTS_DIR, PromptError, PromptStore, wavToUlaw } from '../src/prompts/prompt-store';
import { amountPrompts, englishNumber, japaneseNumber, UnsupportedAmountError } from '../src/prompts/read-back';

describe('amount read-back', () => {
  it('reads yen in Japanese with 万 grouping and the irregular readings', () => {
    expect(amountPrompts(12_345, 'JPY', 'ja')).toEqual([
      'amount-is',
      'num-1',
      'num-man',
      'num-2000',
      'num-300',
      'num-40',
      'num-5',
      'cur-yen',
      'amount-end',
    ]);
    expect(japaneseNumber(10_000_000)).toEqual(['num-issen', 'num-man']);
    expect(japaneseNumber(1000)).toEqual(['num-1000']);
    expect(japaneseNumber(110_000_001)).toEqual(['num-1', 'num-oku', 'num-issen', 'num-man', 'num-1']);
    expect(japaneseNumber(0)).toEqual(['num-0']);
  });

  it('reads dollars and cents in English', () => {
    expect(amountPrompts(12_345, 'USD', 'en')).toEqual([
      'amount-is',
      'num-1',
      'num-hundred',
      'num-20',
      'num-3',
      'cur-dollars',
      'word-and',
      'num-40',
      'num-5',
      'cur-cents',
      'amount-end',
    ]);
    expect(amountPrompts(101, 'USD', 'en').slice(1, -1)).toEqual([
      'num-1',
      'cur-dollar',
      'word-and',
      'num-1',
      'cur-cent',
    ]);
    expect(amountPrompts(45, 'EUR', 'en').slice(1, -1)).toEqual(['num-40', 'num-5', 'cur-cents']);
    expect(amountPrompts(0, 'USD', 'en').slice(1, -1)).toEqual(['num-0', 'cur-dollars']);
    expect(amountPrompts(12_345, 'JPY', 'en').slice(1, -1)).toEqual([
      'num-12',
      'num-thousand',
      'num-3',
      'num-hundred',
      'num-40',
      'num-5',
      'cur-yen',
    ]);
    expect(englishNumber(2_000_017)).toEqual(['num-2', 'num-million', 'num-17']);
  });

  it('refuses currencies and amounts it cannot read', () => {
    expect(() => amountPrompts(100, 'GBP', 'en')).toThrow(UnsupportedAmountError);
    expect(() => amountPrompts(-1, 'JPY', 'en')).toThrow(UnsupportedAmountError);
    expect(() => amountPrompts(1.5, 'JPY', 'en')).toThrow(UnsupportedAmountError);
  });

  it('only uses fragments that are recorded', () => {
    const store = PromptStore.load();
    for (const language of LANGUAGES)
      for (const [amount, currency] of [
        [1_234_567_891, 'JPY'],
        [99_999_999, 'USD'],
        [1_000_001, 'EUR'],
        [7, 'JPY'],
      ] as const)
        for (const id of amountPrompts(amount, currency, language)) expect(store.has(language, id)).toBe(true);
  });
});

describe('PromptStore', () => {
  it('loads every committed prompt as non-empty 8 kHz µ-law within a small budget', () => {
    const store = PromptStore.load();
    for (const language of LANGUAGES)
      for (const id of Object.keys(promptTexts(language))) expect(store.get(language, id).length).toBeGreaterThan(0);
    expect(store.totalBytes).toBeLessThan(1024 * 1024); // ~870 KiB for both languages (21 sentences each)
    expect(() => store.get('en', 'no-such-prompt')).toThrow(PromptError);
  });

  it('lets a folder of recordings replace prompts, WAV included, and names missing files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prompts-'));
    try {
      cpSync(DEFAULT_PROMPTS_DIR, dir, { recursive: true });
      unlinkSync(path.join(dir, 'en', 'welcome.ul'));
      writeFileSync(path.join(dir, 'en', 'welcome.wav'), pcmWav(Int16Array.of(0, 1000, -1000, 0)));
      expect(PromptStore.load(dir).get('en', 'welcome')).toHaveLength(4);
      unlinkSync(path.join(dir, 'en', 'welcome.wav'));
      unlinkSync(path.join(dir, 'ja', 'goodbye.ul'));
      // Every missing file is named, in the order of LANGUAGES.
      expect(() => PromptStore.load(dir)).toThrow(/ja\/goodbye: missing[\s\S]*en\/welcome: missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects WAV files it cannot play', () => {
    expect(() => wavToUlaw(Buffer.from('not a wav at all'))).toThrow(/not a WAV/);
    expect(() => wavToUlaw(pcmWav(Int16Array.of(1, 2), 16000))).toThrow(/8 kHz mono/);
  });
});

function pcmWav(samples: Int16Array, rate = 8000): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
