export { type Direction, type SdpFormat, type SdpMedia, type SessionDescription, parseSdp } from './parse';
export {
  type AnswerOptions,
  type CodecChoice,
  type MediaEndpoint,
  type NegotiationOptions,
  type NegotiationResult,
  buildAnswer,
  negotiate,
} from './negotiate';
