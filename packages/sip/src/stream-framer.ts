// Cuts a TCP byte stream into SIP messages using Content-Length (RFC 3261 §18.3), which is
// mandatory on streams. A missing or invalid length, or a message above the size limit, breaks
// the framing for good: the caller must close the connection.
import { findHeaderEnd } from './parser';

export type FrameResult = { frames: Buffer[]; error?: string };

export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageSize: number) {}

  push(chunk: Buffer): FrameResult {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      if (this.buffer.length === 0) return { frames };
      const end = findHeaderEnd(this.buffer);
      if (!end) {
        if (this.buffer.length > this.maxMessageSize) return { frames, error: 'message exceeds the size limit' };
        return { frames };
      }
      const head = this.buffer.subarray(0, end.at).toString('latin1');
      const m = /(?:^|\n)(?:content-length|l)[ \t]*:[ \t]*(\S*)/i.exec(head);
      if (!m) return { frames, error: 'Content-Length missing on a stream transport' };
      if (!/^\d{1,9}$/.test(m[1]!)) return { frames, error: 'invalid Content-Length' };
      const total = end.at + end.sepLength + Number(m[1]);
      if (total > this.maxMessageSize) return { frames, error: 'message exceeds the size limit' };
      if (this.buffer.length < total) return { frames };
      frames.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
  }
}
