export {
  CRYPTO_ATTRIBUTE_ERRORS,
  type CryptoAttribute,
  type CryptoAttributeError,
  type CryptoAttributeResult,
  formatCryptoAttribute,
  parseCryptoAttribute,
} from './crypto-attribute';
export {
  estimateIndex,
  rtpHeaderLength,
  type SrtpDropReason,
  SrtpReceiver,
  SrtpSender,
  type UnprotectResult,
} from './crypto-context';
export { PLAIN_RTP, type RtpProtection, type RtpProtectionDropReason, SrtpLeg } from './leg';
export { SrtpMasterKey } from './master-key';
export { ReplayWindow } from './replay-window';
export { answerSdes, type SdesAnswer, SdesOffer, type SdesRefusal } from './sdes';
export { isSrtpSuite, SRTP_SUITES, type SrtpSuite, SUITES, type SuiteParameters } from './suites';
