// GrpcBridge (call-control's BridgePort over the vault's gRPC API) against an in-process gRPC server that
// stands in for the vault: what each request carries (leg, codec, direction, telephone-event), how the
// vault's errors come back (MediaSessionLost; CloseLeg never throws), and what the watch stream reports.
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
  Leg,
  LegEndReason,
  MediaDirection,
  SessionEndReason,
  VaultServiceClient,
  VaultServiceService,
  type WatchMediaSessionRequest,
  type WatchMediaSessionResponse,
} from '@ivr/contracts/vault/v1';
import { GrpcBridge, VaultReplicas } from '../src/adapters/grpc';
import type { SessionEvent } from '../src/app/ports';
import { MediaSessionLost } from '../src/dialogue/errors';

type Unary = (call: { request: unknown }, cb: (err: Partial<ServiceError> | null, res?: unknown) => void) => void;

const requests: Array<[string, unknown]> = [];
let failWith: status | undefined;
let watch: (call: ServerWritableStream<WatchMediaSessionRequest, WatchMediaSessionResponse>) => void = () => {};

function unary(name: string, response: unknown): Unary {
  return (call, cb) => {
    requests.push([name, call.request]);
    if (failWith !== undefined) cb({ code: failWith, details: 'no such session' });
    else cb(null, response);
  };
}

let server: Server;
let client: VaultServiceClient;
let bridge: GrpcBridge;

beforeAll(async () => {
  server = new Server();
  const handlers: Record<string, UntypedHandleCall> = {
    openOperatorLeg: unary('open', {
      rtpAddress: '127.0.0.1',
      rtpPort: 40_002,
      codecs: [Codec.CODEC_PCMA, Codec.CODEC_PCMU],
      telephoneEventPayloadType: 101,
    }),
    setLegRemote: unary('remote', {}),
    setLegDirection: unary('direction', {}),
    closeLeg: unary('close', { maskedMs: 0 }),
    watchMediaSession: (call: ServerWritableStream<WatchMediaSessionRequest, WatchMediaSessionResponse>) => watch(call),
  };
  server.addService(VaultServiceService, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  client = new VaultServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  bridge = new GrpcBridge(new VaultReplicas([client]), 2000);
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

beforeEach(() => {
  requests.length = 0;
  failWith = undefined;
});

test("openOperatorLeg: the vault's RTP address, its codecs in its order and the telephone-event payload type", async () => {
  await expect(bridge.openOperatorLeg('media-1')).resolves.toEqual({
    address: '127.0.0.1',
    port: 40_002,
    codecs: ['PCMA', 'PCMU'],
    telephoneEventPayloadType: 101,
  });
  expect(requests).toEqual([['open', { sessionId: 'media-1' }]]);
});

test('setLegRemote and setLegDirection name the leg, the codec the answer chose and our direction', async () => {
  await bridge.setLegRemote(
    'media-1',
    'operator',
    { address: '10.0.0.7', port: 31_000 },
    { name: 'PCMA', telephoneEventPayloadType: 96 },
  );
  await bridge.setLegRemote('media-1', 'caller', { address: '10.0.0.8', port: 4002 });
  await bridge.setLegDirection('media-1', 'caller', 'recvonly');
  await bridge.setLegDirection('media-1', 'operator', 'inactive');
  expect(requests).toEqual([
    [
      'remote',
      {
        sessionId: 'media-1',
        leg: Leg.LEG_OPERATOR,
        remoteAddress: '10.0.0.7',
        remotePort: 31_000,
        codec: Codec.CODEC_PCMA,
        telephoneEventPayloadType: 96,
      },
    ],
    [
      'remote',
      {
        sessionId: 'media-1',
        leg: Leg.LEG_CALLER,
        remoteAddress: '10.0.0.8',
        remotePort: 4002,
        codec: Codec.CODEC_UNSPECIFIED,
        telephoneEventPayloadType: 0,
      },
    ],
    ['direction', { sessionId: 'media-1', leg: Leg.LEG_CALLER, direction: MediaDirection.MEDIA_DIRECTION_RECVONLY }],
    ['direction', { sessionId: 'media-1', leg: Leg.LEG_OPERATOR, direction: MediaDirection.MEDIA_DIRECTION_INACTIVE }],
  ]);
});

test("a session the vault does not know fails the leg's requests with MediaSessionLost; closing never throws", async () => {
  failWith = status.NOT_FOUND;
  await expect(bridge.openOperatorLeg('gone')).rejects.toThrow(MediaSessionLost);
  await expect(bridge.openOperatorLeg('gone')).rejects.toThrow('vault OpenOperatorLeg: NOT_FOUND');
  await expect(bridge.setLegRemote('gone', 'operator', { address: '10.0.0.7', port: 1 })).rejects.toThrow(
    MediaSessionLost,
  );
  await expect(bridge.setLegDirection('gone', 'caller', 'sendrecv')).rejects.toThrow(MediaSessionLost);
  await expect(bridge.closeOperatorLeg('gone')).resolves.toBeUndefined();
  expect(requests.at(-1)).toEqual(['close', { sessionId: 'gone', leg: Leg.LEG_OPERATOR }]);
});

function watched(sessionId: string): { events: SessionEvent[]; done: Promise<void>; stop: AbortController } {
  const events: SessionEvent[] = [];
  const stop = new AbortController();
  let settled!: () => void;
  const done = new Promise<void>((r) => {
    settled = r;
  });
  bridge.watch(
    sessionId,
    (e) => {
      events.push(e);
      if (e.type !== 'operator-leg-silent') settled();
    },
    stop.signal,
  );
  return { events, done, stop };
}

test("watch: a silent operator leg, then the session's end (a closed leg is not reported)", async () => {
  watch = (call) => {
    call.write({
      event: { $case: 'legEnded', value: { leg: Leg.LEG_OPERATOR, reason: LegEndReason.LEG_END_REASON_CLOSED } },
    });
    call.write({
      event: {
        $case: 'legEnded',
        value: { leg: Leg.LEG_OPERATOR, reason: LegEndReason.LEG_END_REASON_RTP_SILENCE },
      },
    });
    call.write({
      event: { $case: 'sessionEnded', value: { reason: SessionEndReason.SESSION_END_REASON_HANGUP } },
    });
    call.end();
  };
  const w = watched('media-1');
  await w.done;
  expect(w.events).toEqual([{ type: 'operator-leg-silent' }, { type: 'session-ended', reason: 'HANGUP' }]);
});

test('watch: a session the vault does not know is lost; a vault that does not know the RPC reports nothing', async () => {
  watch = (call) => call.emit('error', { code: status.NOT_FOUND, details: 'no such session' });
  const lost = watched('gone');
  await lost.done;
  expect(lost.events).toEqual([{ type: 'lost' }]);

  let ended!: () => void;
  const over = new Promise<void>((r) => {
    ended = r;
  });
  watch = (call) => {
    call.emit('error', { code: status.UNIMPLEMENTED, details: 'old vault' });
    setImmediate(ended);
  };
  const old = watched('media-2');
  await over;
  await new Promise((r) => setTimeout(r, 50));
  expect(old.events).toEqual([]);
});

test('watch: aborting the signal cancels the stream without reporting anything', async () => {
  let cancelled!: () => void;
  const gone = new Promise<void>((r) => {
    cancelled = r;
  });
  watch = (call) => {
    call.on('cancelled', () => cancelled());
  };
  const w = watched('media-3');
  await new Promise((r) => setTimeout(r, 50));
  w.stop.abort();
  await gone;
  expect(w.events).toEqual([]);
});
