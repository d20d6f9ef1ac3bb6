// Wiring only. The SIP endpoint runs under @ivr/runtime: SIGTERM makes /readyz answer 503, new
// INVITEs get 503 + Retry-After, calls in progress finish (up to SIP_DRAIN_TIMEOUT_MS), then exit.
// Until the dialogue is attached, incoming calls are declined with 480.
import { runService, type ServiceContext } from '@ivr/runtime';
import { type SipStats, SipUserAgent } from './adapters/sip';
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
    exposeSipStats(ctx, () => ua.stats());
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

/** SIP counters on /metrics: sip_<name>_total, plus the sip_active_calls gauge. */
function exposeSipStats(ctx: ServiceContext, stats: () => SipStats): void {
  const meter = ctx.telemetry.meter;
  const { activeCalls: _, ...counters } = stats();
  for (const name of Object.keys(counters) as Array<keyof typeof counters>) {
    const snake = name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
    meter
      .createObservableCounter(`sip_${snake}_total`, { description: `SIP ${snake.replace(/_/g, ' ')}` })
      .addCallback((result) => result.observe(stats()[name]));
  }
  meter
    .createObservableGauge('sip_active_calls', { description: 'calls from INVITE until they end' })
    .addCallback((result) => result.observe(stats().activeCalls));
}
