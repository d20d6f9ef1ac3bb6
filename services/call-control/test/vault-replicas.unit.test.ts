// Vault replicas (VAULT_GRPC_ADDRESS with several addresses): GrpcVault and GrpcBridge against three
// in-process gRPC servers standing in for three vault pods. New sessions go round robin; every later
// call of a session reaches the replica that opened it; a replica that is down, or full, is passed over
// for the next; a refusal of the offer itself (SRTP) is not retried elsewhere; a session whose replica
// is gone is lost, as on a vault restart.
import {
  credentials,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceError,
  status,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import {
  Codec,
  OpenMediaSessionResponse,
  OpenOperatorLegResponse,
  PlayPromptsResponse,
  RegisterCardResponse,
  VaultServiceClient,
  VaultServiceService,
  type WatchMediaSessionRequest,
  type WatchMediaSessionResponse,
} from '@ivr/contracts/vault/v1';
import { GrpcBridge, GrpcVault, VaultReplicas } from '../src/adapters/grpc';
import { MediaRefused, type OpenedMedia, type SessionEvent } from '../src/app/ports';
import { MediaSessionLost, ServiceUnavailable } from '../src/dialogue/errors';
import type { PlayRequest } from '../src/dialogue/ports';

jest.setTimeout(20_000);

type Unary = (call: { request: unknown }, cb: (err: Partial<ServiceError> | null, res?: unknown) => void) => void;

/** One stand-in vault: counts its sessions, records what it was asked, fails opens when told. */
class FakeVault {
  readonly server = new Server();
  readonly calls: Array<[string, string]> = [];
  openFails: status | undefined;
  private opened = 0;
  port = 0;

  constructor(readonly name: string) {
    const session = (method: string, response: unknown): Unary => {
      return (call, cb) => {
        const id = (call.request as { sessionId: string }).sessionId;
        this.calls.push([method, id]);
        if (!id.startsWith(`${this.name}-`)) cb({ code: status.NOT_FOUND, details: 'no such session' });
        else cb(null, response);
      };
    };
    const handlers: Record<string, UntypedHandleCall> = {
      openMediaSession: ((_call, cb) => {
        if (this.openFails !== undefined) return cb({ code: this.openFails, details: 'refused' });
        this.opened++;
        cb(
          null,
          OpenMediaSessionResponse.fromPartial({
            sessionId: `${this.name}-${this.opened}`,
            rtpAddress: '127.0.0.1',
            rtpPort: 40_000,
            codec: Codec.CODEC_PCMU,
          }),
        );
      }) as Unary,
      playPrompts: session('play', PlayPromptsResponse.fromPartial({})),
      closeMediaSession: session('close', {}),
      registerCard: session(
        'register',
        RegisterCardResponse.fromPartial({ card: { pspToken: 'pm_1', brand: 'visa', last4: '4242' } }),
      ),
      openOperatorLeg: session(
        'leg',
        OpenOperatorLegResponse.fromPartial({ rtpAddress: '127.0.0.1', rtpPort: 40_002, codecs: [Codec.CODEC_PCMU] }),
      ),
      setLegDirection: session('direction', {}),
      closeLeg: session('close-leg', { maskedMs: 0 }),
      watchMediaSession: (call: ServerWritableStream<WatchMediaSessionRequest, WatchMediaSessionResponse>) => {
        this.calls.push(['watch', call.request.sessionId]);
        call.emit('error', { code: status.NOT_FOUND, details: 'no such session' });
      },
    };
    this.server.addService(VaultServiceService, handlers);
  }

  async start(): Promise<string> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${this.port}`, ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    return `127.0.0.1:${this.port}`;
  }

  handled(method: string): string[] {
    return this.calls.filter(([m]) => m === method).map(([, id]) => id);
  }
}

const timeouts = { unaryMs: 1000, playMs: 1000, registerMs: 1000 };
const offer = {
  codec: 'PCMU' as const,
  telephoneEventPayloadType: 101,
  remote: { address: '127.0.0.1', port: 30_000 },
  callId: 'c',
  crypto: [],
};
const play: PlayRequest = { promptIds: ['welcome'], language: 'en', bargeIn: false };
const signal = new AbortController().signal;

let vaults: FakeVault[];
let clients: VaultServiceClient[];
let replicas: VaultReplicas;
let vault: GrpcVault;
let bridge: GrpcBridge;

beforeEach(async () => {
  vaults = [new FakeVault('a'), new FakeVault('b'), new FakeVault('c')];
  const addresses = await Promise.all(vaults.map((v) => v.start()));
  // Reconnects as fast as call-control's own channels do (main.ts), so that a restarted replica is found soon.
  const fast = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 500 };
  clients = addresses.map((a) => new VaultServiceClient(a, credentials.createInsecure(), fast));
  replicas = new VaultReplicas(clients);
  vault = new GrpcVault(replicas, timeouts);
  bridge = new GrpcBridge(replicas, 1000);
});

afterEach(() => {
  for (const c of clients) c.close();
  for (const v of vaults) v.server.forceShutdown();
});

test('sessions open round robin, and each later call reaches the replica that opened its session', async () => {
  const opened: OpenedMedia[] = [];
  for (let i = 0; i < 6; i++) opened.push(await vault.open(offer));
  expect(vaults.map((v) => v.name)).toEqual(['a', 'b', 'c']);
  expect(opened.map((o) => o.sessionId)).toEqual(['0/a-1', '1/b-1', '2/c-1', '0/a-2', '1/b-2', '2/c-2']);

  for (const o of opened) {
    await vault.play(o.sessionId, play, signal);
    await vault.registerCard(o.sessionId, `key-${o.sessionId}`, 'default', signal);
    await bridge.openOperatorLeg(o.sessionId);
    await bridge.setLegDirection(o.sessionId, 'caller', 'sendrecv');
    await bridge.closeOperatorLeg(o.sessionId);
    await vault.closeSession(o.sessionId, 'completed');
  }
  // Each replica saw only its own sessions (any other would have answered NOT_FOUND, and thrown above).
  for (const v of vaults) {
    for (const method of ['play', 'register', 'leg', 'direction', 'close-leg', 'close'])
      expect(v.handled(method)).toEqual([`${v.name}-1`, `${v.name}-2`]);
  }
});

test('a replica that is down is passed over at once, and tried again once it is back', async () => {
  vaults[1]?.server.forceShutdown();
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await vault.open(offer)).sessionId);
  expect(ids.every((id) => !id.startsWith('1/'))).toBe(true);
  expect(new Set(ids.map((id) => id.slice(0, 2)))).toEqual(new Set(['0/', '2/']));

  // Back on its port (as a restarted pod keeps its name): its turn comes again.
  vaults[1] = new FakeVault('b');
  vaults[1].port = Number(clients[1]?.getChannel().getTarget().split(':').pop());
  await vaults[1].start();
  const later: string[] = [];
  for (let i = 0; i < 12 && !later.some((id) => id.startsWith('1/')); i++) {
    later.push((await vault.open(offer)).sessionId);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(later.some((id) => id.startsWith('1/'))).toBe(true);
});

test('a full replica (RESOURCE_EXHAUSTED) is passed over; all of them full is ServiceUnavailable', async () => {
  for (const v of vaults.slice(0, 2)) v.openFails = status.RESOURCE_EXHAUSTED;
  for (let i = 0; i < 3; i++) expect((await vault.open(offer)).sessionId).toMatch(/^2\/c-/);
  (vaults[2] as FakeVault).openFails = status.RESOURCE_EXHAUSTED;
  await expect(vault.open(offer)).rejects.toBeInstanceOf(ServiceUnavailable);
});

test('an offer the vault refuses (FAILED_PRECONDITION: no SRTP suite in common) is not tried on another replica', async () => {
  for (const v of vaults) v.openFails = status.FAILED_PRECONDITION;
  await expect(vault.open(offer)).rejects.toBeInstanceOf(MediaRefused);
  expect(vaults.reduce((n, v) => n + v.calls.length, 0)).toBe(0);
});

test("a session whose replica died is lost, as on a vault restart; the others' sessions go on", async () => {
  const onA = (await vault.open(offer)).sessionId;
  const onB = (await vault.open(offer)).sessionId;
  const events: SessionEvent[] = [];
  bridge.watch(onA, (e) => events.push(e), signal);
  // Its pod killed and started again under the same name: an empty vault, which knows no session of before.
  vaults[0]?.server.forceShutdown();
  const restarted = new FakeVault('z');
  restarted.port = (vaults[0] as FakeVault).port;
  vaults[0] = restarted;
  await restarted.start();
  await expect(vault.play(onA, play, signal)).rejects.toBeInstanceOf(MediaSessionLost);
  await expect(bridge.openOperatorLeg(onA)).rejects.toBeInstanceOf(MediaSessionLost);
  await expect(vault.closeSession(onA, 'hangup')).resolves.toBeUndefined();
  await expect(vault.play(onB, play, signal)).resolves.toBeUndefined();
  for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(events).toEqual([{ type: 'lost' }]);
});

test('a handle that names no replica is a lost session, never a call to some other vault', async () => {
  await expect(vault.play('7/a-1', play, signal)).rejects.toBeInstanceOf(MediaSessionLost);
  await expect(vault.play('a-1', play, signal)).rejects.toBeInstanceOf(MediaSessionLost);
  await expect(
    vault.capture(
      'x',
      {
        kind: 'card_number',
        language: 'en',
        promptIds: [],
        retryPromptIds: [],
        firstDigitTimeoutMs: 1000,
        interDigitTimeoutMs: 1000,
        maxAttempts: 1,
        terminator: '#',
      },
      () => {},
      signal,
    ),
  ).rejects.toBeInstanceOf(MediaSessionLost);
  expect(vaults.reduce((n, v) => n + v.calls.length, 0)).toBe(0);
});

test("one vault: the handle is the vault's own session id, as before replicas", async () => {
  const one = new GrpcVault(new VaultReplicas([clients[0] as VaultServiceClient]), timeouts);
  const { sessionId } = await one.open(offer);
  expect(sessionId).toBe('a-1');
  await one.closeSession(sessionId, 'hangup');
  expect(vaults[0]?.handled('close')).toEqual(['a-1']);
});
