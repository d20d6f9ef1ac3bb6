// The memory discipline, proved on the real service process: after a call with a known test card
// (captured from RTP, registered at the PSP, session closed) neither a heap snapshot nor the process's
// whole readable memory holds the card number or the security code, as ASCII or UTF-16: Stripe's API at
// stripe-mock over HTTP and over HTTPS, and GMO-PG's (SaveMember/SaveCard) at its simulator over HTTPS
// with the project's certificates. Over HTTPS this also covers what Node's TLS layer does with the
// request it encrypts.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Language } from '@ivr/contracts/common/v1';
import { CloseReason, Codec, FieldKind } from '@ivr/contracts/vault/v1';
import { DEFAULT_SITE, startGmoPgSimulator } from '@ivr/gmo-pg-simulator';
import { startStripeMock } from '@ivr/psp-simulator';
import { g711Frames, silence } from '@ivr/testkit/dtmf-signals';
import { captureField, certsDir, vaultApi, vaultClient } from './support/grpc-client';
import { fileContains, processMemoryHits } from './support/memory-scan';
import { pause, RtpPeer } from './support/rtp-peer';
import { randomPortRange } from './support/vault-harness';

jest.setTimeout(120_000);

// Built by concatenation so that this file's source text is not what the scan finds in the child.
const PAN = ['4242', '4242', '4242', '4242'].join('');
const CVC = ['7', '3', '9'].join('');
const SERVICE_DIR = path.join(__dirname, '..');

async function startVaultProcess(
  psp: Record<string, string>,
  diagnosticDir: string,
  extraCaFile?: string,
): Promise<{ child: ChildProcess; grpcPort: number; adminPort: number; output: () => string }> {
  const rtp = randomPortRange(20);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagnosticDir}`, 'src/main.ts'],
    {
      cwd: SERVICE_DIR,
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'info',
        GRPC_PORT: '0',
        GRPC_HOST: '127.0.0.1',
        ADMIN_PORT: '0',
        // PEMs in the environment, as the chart passes them (the vault mounts no volume).
        TLS_CA_PEM: readFileSync(path.join(certsDir(), 'ca.crt'), 'utf8'),
        TLS_CERT_PEM: readFileSync(path.join(certsDir(), 'dtmf-vault.crt'), 'utf8'),
        TLS_KEY_PEM: readFileSync(path.join(certsDir(), 'dtmf-vault.key'), 'utf8'),
        RTP_BIND_ADDRESS: '127.0.0.1',
        RTP_PORT_MIN: String(rtp.minPort),
        RTP_PORT_MAX: String(rtp.maxPort),
        ...psp,
        // The PSP's certificate authority (stripe-mock's self-signed one, the project's CA for the GMO-PG
        // simulator), trusted the way an operator adds a private CA.
        ...(extraCaFile ? { NODE_EXTRA_CA_CERTS: extraCaFile } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const grpcPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vault did not start:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /"grpcPort":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vault exited with ${code}:\n${output}`)));
  });
  const adminPort = Number(/"admin_port":(\d+)/.exec(output)?.[1]);
  return { child, grpcPort, adminPort, output: () => output };
}

async function heapSnapshot(child: ChildProcess, dir: string): Promise<string> {
  child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await pause(100);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const full = path.join(dir, file);
    const size = statSync(full).size;
    await pause(500);
    if (size > 0 && statSync(full).size === size) return full;
  }
  throw new Error('no heap snapshot written');
}

interface PspUnderTest {
  /** The vault's PSP variables. */
  env: Record<string, string>;
  extraCaFile?: string;
  /** What the request holds right before the security code. */
  securityCodeField: string;
  close(): Promise<void>;
}

const PSPS: [string, (dir: string) => Promise<PspUnderTest>][] = [
  [
    'Stripe API at stripe-mock over HTTP',
    async () => {
      const mock = await startStripeMock();
      return {
        env: { PSP_PROVIDER: 'stripe', PSP_URL: mock.url, PSP_API_KEY: 'sk_test_123' },
        securityCodeField: 'cvc%5D=',
        close: () => mock.close(),
      };
    },
  ],
  [
    'Stripe API at stripe-mock over HTTPS',
    async (dir) => {
      const mock = await startStripeMock({ https: true });
      if (!mock.https) throw new Error('stripe-mock has no HTTPS address');
      const extraCaFile = path.join(dir, 'stripe-mock-ca.pem');
      writeFileSync(extraCaFile, mock.https.ca);
      return {
        env: { PSP_PROVIDER: 'stripe', PSP_URL: mock.https.url, PSP_API_KEY: 'sk_test_123' },
        extraCaFile,
        securityCodeField: 'cvc%5D=',
        close: () => mock.close(),
      };
    },
  ],
  [
    'GMO-PG at its simulator over HTTPS',
    async () => {
      const read = (file: string) => readFileSync(path.join(certsDir(), file));
      const sim = await startGmoPgSimulator({
        port: 0,
        tls: { cert: read('authorization.crt'), key: read('authorization.key') },
      });
      return {
        env: {
          PSP_PROVIDER: 'gmo-pg',
          PSP_URL: sim.url,
          GMO_PG_SITE_ID: DEFAULT_SITE.siteId,
          GMO_PG_SITE_PASS: DEFAULT_SITE.sitePass,
        },
        extraCaFile: path.join(certsDir(), 'ca.crt'),
        securityCodeField: 'SecurityCode=',
        close: () => sim.close(),
      };
    },
  ],
];

describe.each(PSPS)('no card data left in the vault process: %s', (_name, startPsp) => {
  let psp: PspUnderTest;
  let vault: Awaited<ReturnType<typeof startVaultProcess>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'vault-heap-'));

  beforeAll(async () => {
    psp = await startPsp(dir);
    vault = await startVaultProcess(psp.env, dir, psp.extraCaFile);
  });

  afterAll(async () => {
    vault?.child.kill('SIGKILL');
    await psp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds neither the card number nor the security code after a session with a test card', async () => {
    const client = vaultClient(vault.grpcPort, 'call-control');
    const api = vaultApi(client);
    const opened = await api.open({
      offeredCodecs: [Codec.CODEC_PCMU],
      telephoneEventPayloadType: 101,
      remoteAddress: '',
      remotePort: 0,
      pinRemoteAddress: false,
      callId: 'memory-test',
    });
    const peer = await RtpPeer.open({ address: opened.rtpAddress, port: opened.rtpPort });
    await peer.sendAudio(g711Frames(silence(40)));
    const { sessionId } = opened;
    for (const [kind, keys] of [
      [FieldKind.FIELD_KIND_CARD_NUMBER, `${PAN}#`],
      [FieldKind.FIELD_KIND_EXPIRY, '1230'],
      [FieldKind.FIELD_KIND_SECURITY_CODE, CVC],
    ] as const) {
      const updates = captureField(client, { sessionId, kind, promptLanguage: Language.LANGUAGE_EN });
      await pause(100);
      await peer.sendKeys(keys);
      expect((await updates).at(-1)?.update?.$case).toBe('completed');
    }
    const registered = await api.register({ sessionId, idempotencyKey: `memory-${Date.now()}`, pspAccountId: '' });
    expect(registered.card).toMatchObject({ bin: '424242', last4: '4242' });
    await api.close({ sessionId, reason: CloseReason.CLOSE_REASON_COMPLETED });
    client.close();
    peer.close();

    const metrics = await (await fetch(`http://127.0.0.1:${vault.adminPort}/metrics`)).text();
    expect(metrics).toMatch(/vault_dtmf_keys\S* 24/);
    expect(metrics).not.toContain(PAN);
    expect(vault.output()).not.toContain(PAN); // the service's log lines

    // Memory first: writing a heap snapshot allocates a lot and would reuse freed native buffers.
    const pid = vault.child.pid as number;
    expect(existsSync(`/proc/${pid}/mem`)).toBe(true);
    expect(processMemoryHits(pid, 'VaultService')).toBeGreaterThan(0);
    expect(processMemoryHits(pid, PAN)).toBe(0);
    expect(processMemoryHits(pid, `${psp.securityCodeField}${CVC}`)).toBe(0);

    const snapshot = await heapSnapshot(vault.child, dir);
    expect(fileContains(snapshot, 'VaultService')).toBe(true); // the search does find what is there
    expect(fileContains(snapshot, PAN)).toBe(false);
    expect(fileContains(snapshot, `${psp.securityCodeField}${CVC}`)).toBe(false);
  });
});
