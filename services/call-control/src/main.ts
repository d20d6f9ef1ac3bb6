// Wiring only. The SIP endpoint runs under @ivr/runtime: SIGTERM makes /readyz answer 503, new
// INVITEs get 503 + Retry-After, calls in progress finish (up to SIP_DRAIN_TIMEOUT_MS), then exit.
// Until the dialogue is attached, incoming calls are declined with 480.
import { runService } from '@ivr/runtime';
import { SipUserAgent } from './adapters/sip';
import { loadConfig, sipOptions } from './config';

const config = loadConfig();

void runService({
  service: 'call-control',
  adminPort: config.adminPort,
  drainTimeoutMs: config.drainTimeoutMs + 10_000,
  hookTimeoutMs: config.drainTimeoutMs + 5_000,
  async start(ctx) {
    const ua = new SipUserAgent({ ...sipOptions(config), logger: ctx.logger });
    await ua.start();
    ctx.logger.info({ sip_port: ua.port, tcp: config.sipTcp }, `SIP listening on ${config.sipHost}:${ua.port}`);
    ctx.addReadinessCheck('sip', () => !ua.draining);
    ctx.onStop('sip', async () => {
      ua.drain();
      ctx.logger.info({ active_calls: ua.activeCalls }, 'draining SIP: new calls get 503');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, config.drainTimeoutMs);
      });
      await Promise.race([ua.whenIdle(), deadline]);
      clearTimeout(timer);
      await ua.stop();
    });
  },
});
