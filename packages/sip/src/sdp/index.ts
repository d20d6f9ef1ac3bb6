export {
  type AnswerOptions,
  buildAnswer,
  type CodecChoice,
  type MediaEndpoint,
  type NegotiationOptions,
  type NegotiationResult,
  negotiate,
} from './negotiate';
export { type Direction, parseSdp, type SdpFormat, type SdpMedia, type SessionDescription } from './parse';
