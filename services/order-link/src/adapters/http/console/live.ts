import { issueOperatorToken } from '@ivr/contracts';
import type { Request, Response } from 'express';
import type { NotificationClient } from './notification-client';
import { eventDataForScreen } from './redact';

/**
 * The operator's live stream, relayed from notification so the browser stays same-origin with its
 * session cookie. Every message is parsed and re-written through the screen allow-list: whatever
 * notification sends, nothing beyond it reaches the browser.
 */

/** A short-lived token for notification's live stream (5 minutes: the relay asks for a new one per connection). */
export function operatorToken(secret: string, operatorId: string, now: Date): string {
  return issueOperatorToken(secret, operatorId, new Date(now.getTime() + 300_000));
}

/** One SSE frame rewritten for the screen, or null to drop it. Comments (heartbeats) pass as they are. */
export function rewriteFrame(frame: string): string | null {
  const lines = frame.split('\n');
  if (lines.every((l) => l.startsWith(':') || l === '')) return `${frame}\n\n`;
  const data = lines
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trimStart())
    .join('\n');
  if (!data) return null;
  try {
    const u = JSON.parse(data) as {
      eventId?: unknown;
      type?: unknown;
      paymentId?: unknown;
      at?: unknown;
      data?: unknown;
    };
    if (typeof u.type !== 'string' || typeof u.paymentId !== 'string' || typeof u.eventId !== 'string') return null;
    const out = {
      eventId: u.eventId,
      type: u.type,
      paymentId: u.paymentId,
      at: u.at,
      data: eventDataForScreen(u.type, u.data),
    };
    return `id: ${u.eventId}\nevent: live\ndata: ${JSON.stringify(out)}\n\n`;
  } catch {
    return null;
  }
}

export async function relayLive(
  req: Request,
  res: Response,
  client: NotificationClient,
  token: string,
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  // Sent first so the screen knows the stream is up (and can say so) before any call event arrives.
  res.write('retry: 3000\nevent: ready\ndata: {}\n\n');
  try {
    const upstream = await client.openLive(token, abort.signal);
    if (!upstream.ok || !upstream.body) throw new Error(`live stream answered ${upstream.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const out = rewriteFrame(frame);
        if (out) res.write(out);
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (err) {
    if (!abort.signal.aborted) log.warn({ err: (err as Error).message }, 'live stream relay ended');
  }
  // The browser's EventSource reconnects after `retry`.
  if (!res.writableEnded) res.end();
}
