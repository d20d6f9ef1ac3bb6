import { addressAllowed, classifyAddress, PUBLIC_HTTPS_ONLY, webhookUrlProblem } from '../src/webhooks/destination';

const DEV = { allowLoopback: true };

describe('webhook destinations (pure)', () => {
  it('classifies loopback, private, link-local, CGNAT, ULA, multicast and the IPv4 forms inside IPv6', () => {
    const cases: [string, ReturnType<typeof classifyAddress>][] = [
      ['127.0.0.1', 'loopback'],
      ['127.8.9.10', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['169.254.169.254', 'private'],
      ['::ffff:169.254.169.254', 'private'],
      ['::ffff:a9fe:a9fe', 'private'],
      ['64:ff9b::a9fe:a9fe', 'private'],
      ['2002:a9fe:a9fe::1', 'private'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'private'],
      ['0.0.0.0', 'private'],
      ['::', 'private'],
      ['224.0.0.1', 'private'],
      ['255.255.255.255', 'private'],
      ['fd00::1', 'private'],
      ['fe80::1', 'private'],
      ['ff02::1', 'private'],
      ['::127.0.0.2', 'private'],
      ['8.8.8.8', 'public'],
      ['172.32.0.1', 'public'],
      ['2606:4700::1111', 'public'],
      ['::ffff:8.8.8.8', 'public'],
      ['not-an-address', 'invalid'],
    ];
    expect(cases.map(([a]) => [a, classifyAddress(a)])).toEqual(cases);
  });

  it('allows in production only public addresses over https; in development loopback too, and http to loopback only', () => {
    expect(addressAllowed('8.8.8.8', 'https:', PUBLIC_HTTPS_ONLY)).toBe(true);
    expect(addressAllowed('8.8.8.8', 'http:', PUBLIC_HTTPS_ONLY)).toBe(false);
    expect(addressAllowed('127.0.0.1', 'https:', PUBLIC_HTTPS_ONLY)).toBe(false);
    expect(addressAllowed('127.0.0.1', 'http:', DEV)).toBe(true);
    expect(addressAllowed('8.8.8.8', 'http:', DEV)).toBe(false);
    expect(addressAllowed('10.0.0.1', 'https:', DEV)).toBe(false);
  });

  it('refuses URLs that are not public https on 443, and names that resolve only inside', () => {
    const refused = [
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:9105/metrics',
      'https://127.0.0.1/',
      'https://[::ffff:169.254.169.254]/',
      'https://[fd00::1]/',
      'https://0.0.0.0/',
      'https://2852039166/', // 169.254.169.254 written as one number
      'https://10.0.0.1/',
      'https://hooks.example.com:8443/in',
      'http://hooks.example.com/in',
      'https://user:pw@hooks.example.com/in',
      'https://notification/',
      'https://order-link.ivr.svc/',
      'https://order-link.ivr.svc.cluster.local/',
      'https://localhost/',
      'ftp://hooks.example.com/',
      'not a url',
    ];
    expect(refused.filter((u) => webhookUrlProblem(u, PUBLIC_HTTPS_ONLY) === null)).toEqual([]);
    expect(webhookUrlProblem('https://hooks.example.com/in', PUBLIC_HTTPS_ONLY)).toBeNull();
    expect(webhookUrlProblem('https://hooks.example.com:443/in', PUBLIC_HTTPS_ONLY)).toBeNull();
    expect(webhookUrlProblem('https://8.8.8.8/in', PUBLIC_HTTPS_ONLY)).toBeNull();
  });

  it('takes loopback http in development, never a private address', () => {
    expect(webhookUrlProblem('http://127.0.0.1:4000/hooks', DEV)).toBeNull();
    expect(webhookUrlProblem('http://localhost:4000/hooks', DEV)).toBeNull();
    expect(webhookUrlProblem('http://169.254.169.254/latest/meta-data/', DEV)).not.toBeNull();
    expect(webhookUrlProblem('http://10.0.0.1:8080/', DEV)).not.toBeNull();
  });
});
