// Real speech through the masker: the vault's own recorded prompts (espeak-ng English, Open JTalk
// Japanese) played to an armed DTMF masker, as if the caller said them during a card field. Masking
// is conservative (better some speech flattened than a tone's onset heard), so a little is masked;
// docs/decisions/0011-dtmf-masking.md has the figures.
import { decodeG711 } from '@ivr/media';
import { decodeDtmf, maskOffline } from '@ivr/testkit/reference-dtmf';
import { promptTexts } from '../src/prompts/catalog';
import { PromptStore } from '../src/prompts/prompt-store';

const store = PromptStore.load();

function speech(language: 'en' | 'ja'): Int16Array {
  const parts = Object.keys(promptTexts(language)).map((id) => store.get(language, id));
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const ulaw of parts) {
    decodeG711('PCMU', ulaw, pcm.subarray(offset));
    offset += ulaw.length;
  }
  return pcm;
}

describe('the recorded prompts as a caller speaking during a card field', () => {
  it.each([
    ['en', 0.1],
    ['ja', 0.05],
  ] as const)('%s: at most %p of the speech is masked, and none of it sounds like a key', (language, bound) => {
    const pcm = speech(language);
    expect(decodeDtmf(pcm)).toBe('');
    const { out, masker } = maskOffline(pcm);
    expect(masker.stats.maskedSamples / pcm.length).toBeLessThan(bound);
    expect(decodeDtmf(out)).toBe('');
  });
});
