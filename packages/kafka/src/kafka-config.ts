// The Kafka connection settings every service reads, as one fragment to spread into its readConfig
// spec, and their translation into createKafka options. One place, so the Helm chart and every
// service agree on the names (tools/k8s checks the chart against these).
import { readFileSync } from 'node:fs';
import { type ConfigOf, list, oneOf, optional, str } from '@ivr/config';
import type { CreateKafkaOptions, KafkaSasl } from './create-kafka';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Spread into a service's readConfig spec: `readConfig({ ...kafkaConfigSpec(), port: int(...) })`. */
export function kafkaConfigSpec() {
  return {
    kafkaBrokers: list('KAFKA_BROKERS'),
    // Defaults to the service's name (the argument of kafkaClientOptions).
    kafkaClientId: optional(str('KAFKA_CLIENT_ID')),
    // Unset: no authentication (development broker). Set: the user name and password are required.
    kafkaSaslMechanism: optional(oneOf('KAFKA_SASL_MECHANISM', SASL_MECHANISMS)),
    kafkaSaslUsername: optional(str('KAFKA_SASL_USERNAME')),
    kafkaSaslPassword: optional(str('KAFKA_SASL_PASSWORD', { secret: true })),
    // PEM file of the CA that signed the brokers' certificates; set means TLS to the brokers.
    kafkaSslCaFile: optional(str('KAFKA_SSL_CA_FILE')),
  };
}

export type KafkaConfig = ConfigOf<ReturnType<typeof kafkaConfigSpec>>;

/**
 * createKafka options from the settings read with kafkaConfigSpec. Throws (at start-up, with the
 * variable named) when SASL is asked for without credentials or the CA file cannot be read.
 */
export function kafkaClientOptions(
  config: KafkaConfig,
  service: string,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<CreateKafkaOptions, 'brokers' | 'clientId' | 'sasl' | 'ssl'> {
  let sasl: KafkaSasl | undefined;
  if (config.kafkaSaslMechanism) {
    const { kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
    if (!username || !password)
      throw new Error(
        `KAFKA_SASL_MECHANISM is ${config.kafkaSaslMechanism} but KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are not both set`,
      );
    sasl = { mechanism: config.kafkaSaslMechanism, username, password };
  }
  let ssl: CreateKafkaOptions['ssl'];
  if (config.kafkaSslCaFile) {
    try {
      ssl = { ca: [readFile(config.kafkaSslCaFile)] };
    } catch (err) {
      throw new Error(`KAFKA_SSL_CA_FILE ${config.kafkaSslCaFile} cannot be read: ${(err as Error).message}`);
    }
  }
  return {
    brokers: config.kafkaBrokers,
    clientId: config.kafkaClientId ?? service,
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
  };
}
