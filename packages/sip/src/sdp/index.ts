export {
  type AnswerOptions,
  buildAnswer,
  type CodecChoice,
  type MediaEndpoint,
  type NegotiationOptions,
  type NegotiationResult,
  negotiate,
} from './negotiate';
export {
  type AnsweredMedia,
  type AnswerReading,
  buildOffer,
  type G711,
  mirror,
  type OfferOptions,
  readAnswer,
} from './offer';
export { type Direction, parseSdp, type SdpFormat, type SdpMedia, type SessionDescription } from './parse';
