// BridgePort over the vault's gRPC API (mTLS): the operator's leg of a session (agent-assisted mode,
// issue 15), each leg's remote address and direction, and the session's watch stream. A session the
// vault no longer knows, or a vault that cannot be reached, throws MediaSessionLost; the watch reports
// it as `lost` (a vault that does not know the call yet, UNIMPLEMENTED, is not a loss: nothing is reported).
// Each call goes to the vault replica that holds the session (VaultReplicas, by the session's handle).
import { type ClientReadableStream, status } from '@grpc/grpc-js';
import {
  Codec,
  LegEndReason,
  Leg as LegMsg,
  MediaDirection,
  type OpenOperatorLegResponse,
  type VaultServiceClient,
  type WatchMediaSessionResponse,
} from '@ivr/contracts/vault/v1';
import type { Direction, G711 } from '@ivr/sip';
import type { BridgePort, Leg, OperatorLegMedia, SessionEvent } from '../../app/ports';
import { MediaSessionLost } from '../../dialogue/errors';
import { deadline, grpcCode, isUnavailable, readyMetadata, unary } from './call-options';
import type { VaultReplicas } from './vault-replicas';

const LEG: Record<Leg, LegMsg> = { caller: LegMsg.LEG_CALLER, operator: LegMsg.LEG_OPERATOR };
const DIRECTION: Record<Direction, MediaDirection> = {
  sendrecv: MediaDirection.MEDIA_DIRECTION_SENDRECV,
  sendonly: MediaDirection.MEDIA_DIRECTION_SENDONLY,
  recvonly: MediaDirection.MEDIA_DIRECTION_RECVONLY,
  inactive: MediaDirection.MEDIA_DIRECTION_INACTIVE,
};
const CODEC: Record<G711, Codec> = { PCMU: Codec.CODEC_PCMU, PCMA: Codec.CODEC_PCMA };

export class GrpcBridge implements BridgePort {
  constructor(
    private readonly vaults: VaultReplicas,
    private readonly unaryMs: number,
  ) {}

  async openOperatorLeg(handle: string): Promise<OperatorLegMedia> {
    const res = await this.guard('OpenOperatorLeg', handle, (client, sessionId) =>
      unary<OpenOperatorLegResponse>(undefined, (cb) =>
        client.openOperatorLeg({ sessionId }, readyMetadata(), { deadline: deadline(this.unaryMs) }, cb),
      ),
    );
    const codecs = res.codecs.flatMap((c): G711[] =>
      c === Codec.CODEC_PCMU ? ['PCMU'] : c === Codec.CODEC_PCMA ? ['PCMA'] : [],
    );
    return {
      address: res.rtpAddress,
      port: res.rtpPort,
      codecs: codecs.length > 0 ? codecs : ['PCMU', 'PCMA'],
      telephoneEventPayloadType: res.telephoneEventPayloadType || undefined,
    };
  }

  async setLegRemote(
    handle: string,
    leg: Leg,
    remote: { address: string; port: number },
    codec?: { name: G711; telephoneEventPayloadType: number | undefined },
  ): Promise<void> {
    await this.guard('SetLegRemote', handle, (client, sessionId) =>
      unary(undefined, (cb) =>
        client.setLegRemote(
          {
            sessionId,
            leg: LEG[leg],
            remoteAddress: remote.address,
            remotePort: remote.port,
            codec: codec ? CODEC[codec.name] : Codec.CODEC_UNSPECIFIED,
            telephoneEventPayloadType: codec?.telephoneEventPayloadType ?? 0,
          },
          readyMetadata(),
          { deadline: deadline(this.unaryMs) },
          cb,
        ),
      ),
    );
  }

  async setLegDirection(handle: string, leg: Leg, direction: Direction): Promise<void> {
    await this.guard('SetLegDirection', handle, (client, sessionId) =>
      unary(undefined, (cb) =>
        client.setLegDirection(
          { sessionId, leg: LEG[leg], direction: DIRECTION[direction] },
          readyMetadata(),
          { deadline: deadline(this.unaryMs) },
          cb,
        ),
      ),
    );
  }

  async closeOperatorLeg(handle: string): Promise<void> {
    await unary(undefined, (cb) => {
      const { client, sessionId } = this.vaults.route(handle);
      return client.closeLeg(
        { sessionId, leg: LegMsg.LEG_OPERATOR },
        readyMetadata(),
        { deadline: deadline(this.unaryMs) },
        cb,
      );
    }).catch(() => {
      // Gone already with its session: nothing left to close.
    });
  }

  watch(handle: string, onEvent: (e: SessionEvent) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    let route: ReturnType<VaultReplicas['route']>;
    try {
      route = this.vaults.route(handle);
    } catch {
      onEvent({ type: 'lost' });
      return;
    }
    const { client, sessionId } = route;
    // No deadline (Infinity, or the client's default would cut it): the stream lives as long as the
    // session, and the vault ends it after SessionEnded.
    const stream: ClientReadableStream<WatchMediaSessionResponse> = client.watchMediaSession(
      { sessionId },
      readyMetadata(),
      { deadline: Number.POSITIVE_INFINITY },
    );
    let over = false;
    const stop = () => {
      over = true;
      stream.cancel();
    };
    signal.addEventListener('abort', stop, { once: true });
    stream.on('data', (msg: WatchMediaSessionResponse) => {
      const e = msg.event;
      if (!e) return;
      if (e.$case === 'legEnded') {
        if (e.value.leg === LegMsg.LEG_OPERATOR && e.value.reason === LegEndReason.LEG_END_REASON_RTP_SILENCE) {
          onEvent({ type: 'operator-leg-silent' });
        }
      } else {
        over = true;
        onEvent({ type: 'session-ended', reason: e.value.reason.replace(/^SESSION_END_REASON_/, '') });
      }
    });
    stream.on('error', (err) => {
      signal.removeEventListener('abort', stop);
      if (over) return;
      over = true;
      const code = grpcCode(err);
      if (code === status.NOT_FOUND || isUnavailable(err)) onEvent({ type: 'lost' });
    });
    stream.on('end', () => signal.removeEventListener('abort', stop));
  }

  private async guard<T>(
    what: string,
    handle: string,
    fn: (client: VaultServiceClient, sessionId: string) => Promise<T>,
  ): Promise<T> {
    try {
      const { client, sessionId } = this.vaults.route(handle);
      return await fn(client, sessionId);
    } catch (err) {
      if (err instanceof MediaSessionLost) throw err;
      const code = grpcCode(err);
      throw new MediaSessionLost(`vault ${what}: ${status[code ?? status.UNKNOWN]}`);
    }
  }
}
