export { startInBackground } from './background';
export {
  type EventHandler,
  type MessageContext,
  type RunConsumerOptions,
  type RunningConsumer,
  runConsumer,
} from './consumer';
export {
  type CreateKafkaOptions,
  connectOrExplain,
  createKafka,
  type KafkaSasl,
  KafkaUnavailableError,
  parseBrokers,
  UnknownTopicError,
} from './create-kafka';
export { DeadLetterHeaders, deadLetterMessage } from './dead-letter';
export { buildHeaders, decodeHeaders, HeaderNames, type OutgoingMessage, serializeEnvelope } from './headers';
export { type KafkaConfig, kafkaClientOptions, kafkaConfigSpec, SASL_MECHANISMS } from './kafka-config';
export { kafkajsRequestQueuePatched } from './kafkajs-patch';
export { type KafkaLogger, silentLogger } from './logger';
export { maskText } from './mask';
export { type EventPublisher, groupByTopic, KafkaEventPublisher, startSends, type TopicSend } from './publisher';
