// @ivr/media: RTP media for a telephone leg. Parsing never throws (garbage from the network is
// counted and dropped); nothing here keeps what it decoded once the caller has it.
export * from './bridge';
export * from './dtmf-key';
export * from './dtmf-masker';
export * from './g711';
export * from './inband-dtmf';
export * from './port-pool';
export * from './rtp-packet';
export * from './sample-queue';
export * from './srtp';
export * from './telephone-event';
export * from './ticker';
