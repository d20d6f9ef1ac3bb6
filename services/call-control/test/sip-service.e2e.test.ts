// call-control as a process (dist/main.js with its dev.env): it answers SIP on its configured
// port, declines calls it cannot serve (here: no vault to give a media endpoint) and stops cleanly on SIGTERM.
import { BaresipPhone } from '@ivr/testkit/baresip';
import { freePort } from '@ivr/testkit/ports';
import { ServiceProcess } from '@ivr/testkit/service-process';

test('the service answers a real phone on its SIP port and exits 0 on SIGTERM', async () => {
  const sipPort = await freePort();
  const service = await ServiceProcess.start('call-control', { env: { SIP_PORT: String(sipPort) } });
  const phone = await BaresipPhone.start({ name: 'smoke' });
  try {
    expect(await (await fetch(`${service.adminUrl}/readyz`)).json()).toMatchObject({ checks: { sip: 'ok' } });
    await phone.dial(`sip:TC1@127.0.0.1:${sipPort}`);
    const closed = await phone.waitForEvent('CALL_CLOSED');
    expect(String(closed.param)).toContain('503');
  } finally {
    await phone.stop();
    expect(await service.stop()).toBe(0);
  }
});
