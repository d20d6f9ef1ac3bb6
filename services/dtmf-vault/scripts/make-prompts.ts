// Records every prompt of src/prompts/catalog.ts as 8 kHz µ-law (raw, no header) under
// assets/prompts/<lang>/<id>.ul. Only for regenerating the committed files: running the vault needs
// none of these tools. Debian packages: espeak-ng, open-jtalk, open-jtalk-mecab-naist-jdic,
// hts-voice-nitech-jp-atr503-m001 (contrib), sox.
// Usage: npx tsx services/dtmf-vault/scripts/make-prompts.ts [outDir]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LANGUAGES, type Language } from '@ivr/contracts';
import { promptTexts } from '../src/prompts/catalog';

const outDir = process.argv[2] ?? path.join(__dirname, '..', 'assets', 'prompts');
const JA_DICTIONARY = '/var/lib/mecab/dic/open-jtalk/naist-jdic';
const JA_VOICE = '/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice';

function synthesize(language: Language, text: string, wav: string): void {
  if (language === 'en') {
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '175', '-w', wav, text]);
  } else {
    const input = `${wav}.txt`;
    writeFileSync(input, text);
    execFileSync('open_jtalk', ['-x', JA_DICTIONARY, '-m', JA_VOICE, '-r', '1.2', '-ow', wav, input]);
  }
}

/** 8 kHz mono µ-law with leading/trailing silence trimmed and the level normalised to -3 dBFS. */
function toUlaw(wav: string, out: string): void {
  execFileSync('sox', [
    wav,
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    'mu-law',
    '-b',
    '8',
    '-t',
    'raw',
    out,
    'silence',
    '1',
    '0.02',
    '0.5%',
    'reverse',
    'silence',
    '1',
    '0.02',
    '0.5%',
    'reverse',
    'gain',
    '-n',
    '-3',
  ]);
}

const work = mkdtempSync(path.join(tmpdir(), 'prompts-'));
try {
  for (const language of LANGUAGES) {
    const dir = path.join(outDir, language);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [id, text] of Object.entries(promptTexts(language))) {
      const wav = path.join(work, `${language}-${id}.wav`);
      if (text.trim() === '.') {
        writeFileSync(path.join(dir, `${id}.ul`), Buffer.alloc(1600, 0xff)); // 200 ms of silence
        continue;
      }
      synthesize(language, text, wav);
      toUlaw(wav, path.join(dir, `${id}.ul`));
    }
    const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    console.log(`${language}: ${readdirSync(dir).length} prompts, ${(bytes / 1024).toFixed(0)} KiB`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
