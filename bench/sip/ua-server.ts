// The SIP user agent alone in its own process for bench/sip.ts: answers every call at once with a
// fixed media endpoint and prints its port. Run with tsx.
import { SipUserAgent } from '@ivr/sip';

async function main(): Promise<void> {
  const ua = new SipUserAgent({
    host: '127.0.0.1',
    port: 0,
    tcp: false,
    rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
  });
  ua.on('incomingCall', (call) => {
    call.answer({ address: '127.0.0.1', port: 40000 }).catch(() => {});
  });
  await ua.start();
  process.stdout.write(`${ua.port}\n`);
  process.on('SIGTERM', () => {
    const s = ua.stats();
    process.stderr.write(`${JSON.stringify(s)}\n`);
    void ua.stop().then(() => process.exit(0));
  });
}

void main();
