// The wiring's pure parts: where a transfer code is found, and the configuration of the dialogue.
import { ConfigError } from '@ivr/config';
import { negotiate } from '@ivr/sip';
import { transferCodeOf } from '../src/app/answer-call';
import { loadConfig, sipOptions } from '../src/config';

const rules = { pattern: /^[0-9]{4,12}$/, header: 'X-Transfer-Code' };
const call = (user: string | undefined, headers: Record<string, string> = {}) => ({
  user,
  header: (name: string) => headers[name],
});

test('the transfer code comes from the Request-URI user part, then the header, else the keypad', () => {
  expect(transferCodeOf(call('123456'), rules)).toEqual({ code: '123456', source: 'request-uri' });
  expect(transferCodeOf(call('ivr', { 'X-Transfer-Code': ' 654321 ' }), rules)).toEqual({
    code: '654321',
    source: 'header',
  });
  expect(transferCodeOf(call('ivr', { 'X-Transfer-Code': 'abc' }), rules)).toEqual({ source: 'keypad' });
  expect(transferCodeOf(call(undefined), rules)).toEqual({ source: 'keypad' });
});

const base = {
  CALLCONTROL_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IVR_CERTS_DIR: '/tmp/certs',
};

test('retry limits and timeouts are read per field', () => {
  const config = loadConfig({
    ...base,
    CARD_NUMBER_MAX_ATTEMPTS: '5',
    EXPIRY_FIRST_DIGIT_TIMEOUT_MS: '12000',
    SECURITY_CODE_INTER_DIGIT_TIMEOUT_MS: '4000',
    DIALOGUE_DEFAULT_LANGUAGE: 'en',
    RETURN_FALLBACK_URI: 'sip:desk@pbx',
  });
  expect(config.dialogue.cardNumber.maxAttempts).toBe(5);
  expect(config.dialogue.expiry.firstDigitTimeoutMs).toBe(12_000);
  expect(config.dialogue.securityCode.interDigitTimeoutMs).toBe(4000);
  expect(config.dialogue.confirm.maxAttempts).toBe(3);
  expect(config.dialogue.defaultLanguage).toBe('en');
  expect(config.dialogue.fallbackReturnUri).toBe('sip:desk@pbx');
});

test('bad values are all named at once; a bad pattern is refused', () => {
  try {
    loadConfig({ ...base, CARD_NUMBER_MAX_ATTEMPTS: '0', DIALOGUE_DEFAULT_LANGUAGE: 'fr', KAFKA_BROKERS: '' });
    throw new Error('expected a ConfigError');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as Error).message;
    expect(text).toContain('CARD_NUMBER_MAX_ATTEMPTS');
    expect(text).toContain('DIALOGUE_DEFAULT_LANGUAGE');
  }
  expect(() => loadConfig({ ...base, TRANSFER_CODE_PATTERN: '([' })).toThrow(/TRANSFER_CODE_PATTERN/);
});

test('crash recovery: owner lease and sweep interval, with a heartbeat well inside the lease', () => {
  const defaults = loadConfig(base);
  expect([defaults.callOwnerStaleMs, defaults.callOwnerHeartbeatMs, defaults.callRecoveryIntervalMs]).toEqual([
    15_000, 3000, 5000,
  ]);
  const short = loadConfig({ ...base, CALL_OWNER_STALE_MS: '3000', CALL_OWNER_HEARTBEAT_MS: '500' });
  expect(short.callOwnerStaleMs).toBe(3000);
  expect(() => loadConfig({ ...base, CALL_OWNER_STALE_MS: '3000', CALL_OWNER_HEARTBEAT_MS: '2000' })).toThrow(
    'CALL_OWNER_HEARTBEAT_MS (2000) must be at most a third of CALL_OWNER_STALE_MS (3000)',
  );
});

test('an offer without telephone-event is accepted (keys captured in band by the vault) unless RFC 4733 is required', () => {
  const offer = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 30000 RTP/AVP 8 0',
    '',
  ].join('\r\n');
  const accepted = negotiate(offer, sipOptions(loadConfig(base)).sdp);
  expect(accepted.ok && accepted.choice).toMatchObject({ codec: { name: 'PCMA' }, telephoneEvent: undefined });
  const strict = negotiate(offer, sipOptions(loadConfig({ ...base, SIP_REQUIRE_TELEPHONE_EVENT: 'true' })).sdp);
  expect(strict).toMatchObject({ ok: false, reason: 'no-telephone-event' });
});

test('who may call and SIP over TLS come from the environment; bad values are refused', () => {
  const material = { key: Buffer.from('k'), cert: Buffer.from('c'), ca: Buffer.from('a') };
  const config = loadConfig({
    ...base,
    SIP_TRUSTED_SOURCES: '192.0.2.0/24, 2001:db8::/32',
    SIP_DIGEST_USERNAME: 'sbc',
    SIP_DIGEST_PASSWORD: 'trunk-secret',
    SIP_DIGEST_ALGORITHMS: 'MD5',
    SIP_TLS_PORT: '5061',
    SIP_TLS_CLIENT_NAMES: 'sbc-a.example, sbc-b.example',
  });
  expect(sipOptions(config, material)).toMatchObject({
    trustedSources: ['192.0.2.0/24', '2001:db8::/32'],
    digest: { realm: 'ivr', username: 'sbc', password: 'trunk-secret', algorithms: ['MD5'] },
    maxCallsPerSource: 500,
    tls: { port: 5061, requireClientCertificate: true, clientNames: ['sbc-a.example', 'sbc-b.example'] },
  });
  const plain = sipOptions(loadConfig(base));
  expect(plain.tls).toBeUndefined();
  expect(plain.digest).toBeUndefined();
  expect(plain.trustedSources).toBeUndefined();
  expect(() => loadConfig({ ...base, SIP_TRUSTED_SOURCES: 'sbc.example' })).toThrow(/SIP_TRUSTED_SOURCES/);
  expect(() => loadConfig({ ...base, SIP_DIGEST_ALGORITHMS: 'SHA-512' })).toThrow(/SIP_DIGEST_ALGORITHMS/);
  expect(() => loadConfig({ ...base, SIP_DIGEST_USERNAME: 'sbc' })).toThrow(/SIP_DIGEST_PASSWORD/);
  expect(() =>
    loadConfig({ ...base, SIP_TLS_CLIENT_NAMES: 'sbc.example', SIP_TLS_REQUIRE_CLIENT_CERT: 'false' }),
  ).toThrow(/SIP_TLS_CLIENT_NAMES/);
});

test('SRTP: accepted by default with both suites, required or off by SIP_SRTP, suites checked against the vocabulary', () => {
  expect(sipOptions(loadConfig(base)).sdp).toEqual({
    requireTelephoneEvent: false,
    srtp: { suites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'], required: false },
  });
  const required = loadConfig({ ...base, SIP_SRTP: 'require', SIP_SRTP_SUITES: 'AES_CM_128_HMAC_SHA1_80' });
  expect(sipOptions(required).sdp?.srtp).toEqual({ suites: ['AES_CM_128_HMAC_SHA1_80'], required: true });
  expect(sipOptions(loadConfig({ ...base, SIP_SRTP: 'off' })).sdp?.srtp).toBeUndefined();
  expect(() => loadConfig({ ...base, SIP_SRTP: 'maybe' })).toThrow(ConfigError);
  expect(() => loadConfig({ ...base, SIP_SRTP_SUITES: 'AEAD_AES_128_GCM' })).toThrow(/SIP_SRTP_SUITES/);
});

test('VAULT_GRPC_ADDRESS names one vault, or its replicas separated by commas', () => {
  expect(loadConfig(base).vaultAddresses).toEqual(['127.0.0.1:50053']);
  expect(
    loadConfig({ ...base, VAULT_GRPC_ADDRESS: 'dtmf-vault-0.dtmf-vault:50053, dtmf-vault-1.dtmf-vault:50053' })
      .vaultAddresses,
  ).toEqual(['dtmf-vault-0.dtmf-vault:50053', 'dtmf-vault-1.dtmf-vault:50053']);
});
