export {
  type AnswerOptions,
  buildAnswer,
  type CodecChoice,
  type MediaEndpoint,
  type NegotiationFailure,
  type NegotiationOptions,
  type NegotiationResult,
  negotiate,
  type SrtpOptions,
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
export {
  type Direction,
  parseSdp,
  type SdpCrypto,
  type SdpFormat,
  type SdpMedia,
  type SessionDescription,
} from './parse';
