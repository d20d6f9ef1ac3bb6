// The VaultService handlers of agent-assisted mode: the operator's leg of a session, each leg's remote
// address and direction, and the stream of what happens to the legs (WatchMediaSession).
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import {
  type CloseLegRequest,
  type CloseLegResponse,
  LegEndReason,
  Leg as LegMsg,
  MediaDirection as MediaDirectionMsg,
  type OpenOperatorLegRequest,
  type OpenOperatorLegResponse,
  SessionEndReason,
  type SetLegDirectionRequest,
  type SetLegDirectionResponse,
  type SetLegRemoteRequest,
  type SetLegRemoteResponse,
  type VaultServiceServer,
  type WatchMediaSessionRequest,
  type WatchMediaSessionResponse,
} from '@ivr/contracts/vault/v1';
import type { MediaDirection } from '../../app/leg-direction';
import { BadRequestError, type CloseReason, type Leg, type SessionEvent, type Vault } from '../../app/vault';
import { codecFromMsg, codecToMsg, statsToMsg } from './mappers';

type Unary = <Req, Res>(
  handle: (request: Req) => Promise<Res>,
) => (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

export interface LegHandlerDeps {
  vault: Vault;
  unary: Unary;
  /** Throws unless the caller's certificate is an allowed client. */
  authorize: (call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>) => void;
  /** Maps a failure to the status a stream ends with. */
  toGrpcError: (err: unknown) => { code: number; details: string };
}

export function legFromMsg(leg: LegMsg): Leg {
  if (leg === LegMsg.LEG_CALLER) return 'caller';
  if (leg === LegMsg.LEG_OPERATOR) return 'operator';
  throw new BadRequestError('leg must be LEG_CALLER or LEG_OPERATOR');
}

const DIRECTIONS: Partial<Record<MediaDirectionMsg, MediaDirection>> = {
  [MediaDirectionMsg.MEDIA_DIRECTION_UNSPECIFIED]: 'sendrecv',
  [MediaDirectionMsg.MEDIA_DIRECTION_SENDRECV]: 'sendrecv',
  [MediaDirectionMsg.MEDIA_DIRECTION_SENDONLY]: 'sendonly',
  [MediaDirectionMsg.MEDIA_DIRECTION_RECVONLY]: 'recvonly',
  [MediaDirectionMsg.MEDIA_DIRECTION_INACTIVE]: 'inactive',
};

const SESSION_END: Record<CloseReason, SessionEndReason> = {
  hangup: SessionEndReason.SESSION_END_REASON_HANGUP,
  completed: SessionEndReason.SESSION_END_REASON_COMPLETED,
  expired: SessionEndReason.SESSION_END_REASON_EXPIRED,
  rtp_silence: SessionEndReason.SESSION_END_REASON_RTP_SILENCE,
  shutdown: SessionEndReason.SESSION_END_REASON_SHUTDOWN,
};

export function sessionEventToMsg(event: SessionEvent): WatchMediaSessionResponse {
  if (event.type === 'session_ended')
    return { event: { $case: 'sessionEnded', value: { reason: SESSION_END[event.reason] } } };
  const reason =
    event.reason === 'rtp_silence' ? LegEndReason.LEG_END_REASON_RTP_SILENCE : LegEndReason.LEG_END_REASON_CLOSED;
  return { event: { $case: 'legEnded', value: { leg: LegMsg.LEG_OPERATOR, reason } } };
}

export function legHandlers(
  deps: LegHandlerDeps,
): Pick<VaultServiceServer, 'openOperatorLeg' | 'setLegRemote' | 'setLegDirection' | 'closeLeg' | 'watchMediaSession'> {
  const { vault, unary } = deps;
  return {
    openOperatorLeg: unary<OpenOperatorLegRequest, OpenOperatorLegResponse>(async (req) => {
      const opened = await vault.openOperatorLeg(req.sessionId);
      return {
        rtpAddress: opened.address,
        rtpPort: opened.port,
        codecs: opened.codecs.map(codecToMsg),
        telephoneEventPayloadType: opened.telephoneEventPayloadType,
      };
    }),

    setLegRemote: unary<SetLegRemoteRequest, SetLegRemoteResponse>(async (req) => {
      const leg = legFromMsg(req.leg);
      if (!req.remoteAddress || !req.remotePort || req.remotePort > 65535)
        throw new BadRequestError('remote_address and remote_port (1-65535) are required');
      const codec = codecFromMsg(req.codec);
      if (leg === 'operator' && !codec)
        throw new BadRequestError('codec (PCMU or PCMA) is required for the operator leg');
      const eventPt = req.telephoneEventPayloadType || 101;
      if (eventPt < 96 || eventPt > 127)
        throw new BadRequestError('telephone-event payload type must be dynamic (96-127)');
      vault.setLegRemote(req.sessionId, leg, {
        peer: { address: req.remoteAddress, port: req.remotePort },
        codec,
        telephoneEventPayloadType: eventPt,
      });
      return {};
    }),

    setLegDirection: unary<SetLegDirectionRequest, SetLegDirectionResponse>(async (req) => {
      const direction = DIRECTIONS[req.direction];
      if (!direction) throw new BadRequestError('unknown media direction');
      vault.setLegDirection(req.sessionId, legFromMsg(req.leg), direction);
      return {};
    }),

    closeLeg: unary<CloseLegRequest, CloseLegResponse>(async (req) => {
      if (legFromMsg(req.leg) !== 'operator')
        throw new BadRequestError("the caller's leg is the session: end it with CloseMediaSession");
      const { counters, maskedSamples } = vault.closeOperatorLeg(req.sessionId);
      return { stats: statsToMsg(counters), maskedMs: Math.round(maskedSamples / 8) };
    }),

    watchMediaSession: (call: ServerWritableStream<WatchMediaSessionRequest, WatchMediaSessionResponse>) => {
      let unsubscribe = () => {};
      try {
        deps.authorize(call);
        unsubscribe = vault.watch(call.request.sessionId, (event) => {
          call.write(sessionEventToMsg(event));
          if (event.type === 'session_ended') {
            unsubscribe();
            call.end();
          }
        });
      } catch (err) {
        call.emit('error', deps.toGrpcError(err));
        return;
      }
      call.on('cancelled', () => unsubscribe());
    },
  };
}
