// What the vault's use cases need from the outside, as interfaces: main.ts wires the adapters
// (@ivr/media's PortPool and Ticker, the PromptStore, the PSP account's tokenizer) and tests wire their own.
import type { Language } from '@ivr/contracts';

export type { CardTokenizer, CardTokenizers } from '../card/card-tokenizer';

export interface Peer {
  address: string;
  port: number;
}

/** One media session's UDP port: what its RTP arrives on and leaves from. */
export interface MediaSocket {
  readonly port: number;
  /** Every datagram that arrives; the handler may overwrite the buffer when it returns. */
  onDatagram(handler: (datagram: Buffer, from: Peer) => void): void;
  send(packet: Uint8Array, to: Peer): void;
  /** Stops receiving, closes the socket and gives its port back. */
  close(): void;
}

/** Media sockets, one per session (adapter: @ivr/media's PortPool over a configured UDP range). */
export interface MediaPorts {
  open(): Promise<MediaSocket>;
}

/** The shared 20 ms clock that paces every session's playout and capture timers. */
export interface PlayoutClock {
  add(listener: () => void): void;
  remove(listener: () => void): void;
}

/** The recorded prompts, as µ-law audio per language and prompt id. */
export interface PromptAudio {
  has(language: Language, id: string): boolean;
  get(language: Language, id: string): Uint8Array;
}
