// Loads the prompt recordings once at start-up and keeps them in memory as 8 kHz µ-law, shared by
// every session. A folder holds <lang>/<id>.ul (raw µ-law) or <lang>/<id>.wav (8 kHz mono WAV in
// 16-bit PCM, µ-law or A-law), so professional recordings can replace the generated ones file by
// file (PROMPTS_DIR); a missing prompt stops the start-up with the list of what is missing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGES, type Language } from '@ivr/contracts';
import { decodeG711, encodeG711 } from '@ivr/media';
import { promptTexts } from './catalog';

export class PromptError extends Error {}

/** assets/prompts of the service, from src/prompts (tsx, jest) or from dist (the esbuild bundle). */
export const DEFAULT_PROMPTS_DIR =
  [path.join(__dirname, '..', '..', 'assets', 'prompts'), path.join(__dirname, '..', 'assets', 'prompts')].find((dir) =>
    existsSync(dir),
  ) ?? path.join(__dirname, '..', '..', 'assets', 'prompts');

export class PromptStore {
  private constructor(private readonly prompts: Map<string, Uint8Array>) {}

  /** Loads every catalog prompt of every language; throws PromptError naming all missing or bad files. */
  static load(dir: string = DEFAULT_PROMPTS_DIR): PromptStore {
    const prompts = new Map<string, Uint8Array>();
    const problems: string[] = [];
    for (const language of LANGUAGES) {
      for (const id of Object.keys(promptTexts(language))) {
        try {
          prompts.set(`${language}/${id}`, readPrompt(dir, language, id));
        } catch (err) {
          problems.push(`${language}/${id}: ${(err as Error).message}`);
        }
      }
    }
    if (problems.length) throw new PromptError(`prompts in ${dir} are incomplete:\n  ${problems.join('\n  ')}`);
    return new PromptStore(prompts);
  }

  has(language: Language, id: string): boolean {
    return this.prompts.has(`${language}/${id}`);
  }

  /** µ-law samples of a prompt; throws PromptError for an unknown id. */
  get(language: Language, id: string): Uint8Array {
    const audio = this.prompts.get(`${language}/${id}`);
    if (!audio) throw new PromptError(`unknown prompt ${language}/${id}`);
    return audio;
  }

  get totalBytes(): number {
    let sum = 0;
    for (const audio of this.prompts.values()) sum += audio.length;
    return sum;
  }
}

function readPrompt(dir: string, language: Language, id: string): Uint8Array {
  const raw = path.join(dir, language, `${id}.ul`);
  if (existsSync(raw)) return new Uint8Array(readFileSync(raw));
  const wav = path.join(dir, language, `${id}.wav`);
  if (existsSync(wav)) return wavToUlaw(readFileSync(wav));
  throw new PromptError('missing (.ul or .wav)');
}

/** Reads a mono 8 kHz WAV (PCM 16-bit, µ-law or A-law) into µ-law bytes. */
export function wavToUlaw(file: Buffer): Uint8Array {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE')
    throw new PromptError('not a WAV file');
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  for (let offset = 12; offset + 8 <= file.length; ) {
    const chunk = file.toString('latin1', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = file.subarray(offset + 8, Math.min(file.length, offset + 8 + size));
    if (chunk === 'fmt ' && body.length >= 16) {
      format = {
        tag: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        rate: body.readUInt32LE(4),
        bits: body.readUInt16LE(14),
      };
    } else if (chunk === 'data') {
      if (!format) throw new PromptError('WAV data before its format');
      if (format.channels !== 1 || format.rate !== 8000) throw new PromptError('WAV must be 8 kHz mono');
      if (format.tag === 7 && format.bits === 8) return new Uint8Array(body);
      if (format.tag === 6 && format.bits === 8) {
        const pcm = new Int16Array(body.length);
        decodeG711('PCMA', body, pcm);
        return encodeG711('PCMU', pcm);
      }
      if (format.tag === 1 && format.bits === 16) {
        const pcm = new Int16Array(Math.floor(body.length / 2));
        for (let i = 0; i < pcm.length; i++) pcm[i] = body.readInt16LE(2 * i);
        return encodeG711('PCMU', pcm);
      }
      throw new PromptError(`unsupported WAV encoding (format ${format.tag}, ${format.bits} bits)`);
    }
    offset += 8 + size + (size % 2);
  }
  throw new PromptError('WAV without data');
}
