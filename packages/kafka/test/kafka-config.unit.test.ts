import { ConfigError, readConfig } from '@ivr/config';
import { kafkaClientOptions, kafkaConfigSpec } from '@ivr/kafka';

const read = (env: Record<string, string>) => readConfig(kafkaConfigSpec(), env);

describe('kafkaConfigSpec and kafkaClientOptions', () => {
  it('gives a plaintext client named after the service when only the brokers are set', () => {
    expect(kafkaClientOptions(read({ KAFKA_BROKERS: 'a:9092, b:9092' }), 'order-link')).toEqual({
      brokers: ['a:9092', 'b:9092'],
      clientId: 'order-link',
    });
  });

  it('turns the chart settings into SCRAM over TLS with the CA read from the file', () => {
    const config = read({
      KAFKA_BROKERS: 'kafka:9093',
      KAFKA_CLIENT_ID: 'order-link-pod',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'order-link',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SSL_CA_FILE: '/etc/ivr/kafka-ca/ca.crt',
    });
    const files: string[] = [];
    const options = kafkaClientOptions(config, 'order-link', (path) => {
      files.push(path);
      return 'PEM';
    });
    expect(files).toEqual(['/etc/ivr/kafka-ca/ca.crt']);
    expect(options).toEqual({
      brokers: ['kafka:9093'],
      clientId: 'order-link-pod',
      sasl: { mechanism: 'scram-sha-512', username: 'order-link', password: 'pw' },
      ssl: { ca: ['PEM'] },
    });
  });

  it('refuses an unknown mechanism, naming the variable', () => {
    expect(() => read({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(ConfigError);
  });

  it('refuses SASL without a password, without showing anything secret', () => {
    const config = read({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' });
    expect(() => kafkaClientOptions(config, 's')).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  });

  it('names the CA file when it cannot be read', () => {
    const config = read({ KAFKA_BROKERS: 'k:9092', KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' });
    expect(() => kafkaClientOptions(config, 's')).toThrow(/KAFKA_SSL_CA_FILE \/nonexistent\/ca.crt cannot be read/);
  });
});
