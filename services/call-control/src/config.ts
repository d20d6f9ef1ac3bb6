// call-control's environment, read once at start-up: SIP endpoint, database and Kafka, the three
// gRPC services it calls, and the dialogue's per-field retry limits and timeouts.

import { hostname } from 'node:os';
import { bool, type ConfigOf, type ConfigSpec, int, list, oneOf, optional, readConfig, str, url } from '@ivr/config';
import { isSrtpSuite, LANGUAGES, SRTP_SUITES } from '@ivr/contracts';
import { kafkaConfigSpec } from '@ivr/kafka';
import { type DigestAlgorithm, parseCidr, type SipUserAgentOptions } from '@ivr/sip';
import type { DialogueConfig, FieldTiming } from './dialogue';

/** `<PREFIX>_MAX_ATTEMPTS`, `<PREFIX>_FIRST_DIGIT_TIMEOUT_MS`, `<PREFIX>_INTER_DIGIT_TIMEOUT_MS`. */
function fieldTiming(prefix: string, d: FieldTiming) {
  return {
    [`${prefix}Attempts`]: int(`${prefix}_MAX_ATTEMPTS`, { default: d.maxAttempts, min: 1, max: 10 }),
    [`${prefix}FirstDigit`]: int(`${prefix}_FIRST_DIGIT_TIMEOUT_MS`, { default: d.firstDigitTimeoutMs, min: 500 }),
    [`${prefix}InterDigit`]: int(`${prefix}_INTER_DIGIT_TIMEOUT_MS`, { default: d.interDigitTimeoutMs, min: 500 }),
  };
}

const FIELDS = {
  TRANSFER_CODE: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 5000 },
  CONFIRM: { maxAttempts: 3, firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 5000 },
  CARD_NUMBER: { maxAttempts: 3, firstDigitTimeoutMs: 15_000, interDigitTimeoutMs: 8000 },
  EXPIRY: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 6000 },
  SECURITY_CODE: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 6000 },
} as const;

/** Everything but the per-field timings. */
function baseSpec() {
  return {
    adminPort: int('ADMIN_PORT', { default: 9102, min: 0, max: 65535 }),
    sipHost: str('SIP_HOST', { default: '127.0.0.1' }),
    sipPort: int('SIP_PORT', { default: 5070, min: 0, max: 65535 }),
    sipTcp: bool('SIP_TCP', { default: true }),
    // What peers see in Via/Contact when the bind address is not reachable as is (0.0.0.0, NAT).
    sipAdvertisedHost: optional(str('SIP_ADVERTISED_HOST')),
    sipMaxMessageBytes: int('SIP_MAX_MESSAGE_BYTES', { default: 16_384, min: 1500, max: 65_535 }),
    sipRatePerSecond: int('SIP_RATE_PER_SECOND', { default: 1000, min: 1 }),
    sipRateBurst: int('SIP_RATE_BURST', { default: 2000, min: 1 }),
    sipReferTimeoutMs: int('SIP_REFER_TIMEOUT_MS', { default: 32_000, min: 1000 }),
    // Offers without telephone-event are accepted by default: the vault detects the keys in the audio
    // (in-band). true refuses them with 488, for a deployment that wants RFC 4733 only.
    sipRequireTelephoneEvent: bool('SIP_REQUIRE_TELEPHONE_EVENT', { default: false }),
    // SRTP (SDES, RFC 4568), terminated in the vault: `accept` takes RTP/SAVP offers with an a=crypto
    // line of one of SIP_SRTP_SUITES (and plain RTP/AVP ones), `require` refuses plain RTP with 488,
    // `off` refuses RTP/SAVP with 488. The keys ride in the SDP, so SRTP protects the media only when
    // the signalling is SIP over TLS (SIP_TLS_PORT, docs/telephony.md).
    sipSrtp: oneOf('SIP_SRTP', ['off', 'accept', 'require'], { default: 'accept' }),
    sipSrtpSuites: list('SIP_SRTP_SUITES', { default: [...SRTP_SUITES] }),
    drainRetryAfterSeconds: int('SIP_DRAIN_RETRY_AFTER_SECONDS', { default: 30, min: 1 }),
    // SIP over TLS (TLS 1.2+) on this port, with the certificate call-control.crt/.key of IVR_CERTS_DIR
    // (cert-manager in the chart, scripts/certs.sh locally); unset = no TLS listener.
    sipTlsPort: optional(int('SIP_TLS_PORT', { min: 0, max: 65535 })),
    // Mutual TLS: the SBC must present a certificate of the CA (ca.crt, or SIP_TLS_CA_FILE).
    sipTlsRequireClientCert: bool('SIP_TLS_REQUIRE_CLIENT_CERT', { default: true }),
    sipTlsCaFile: optional(str('SIP_TLS_CA_FILE')),
    // Which SBCs: the names (certificate CN or DNS subjectAltName) a client certificate must carry. Unset:
    // any certificate of that CA, which for the default ca.crt includes the services' own.
    sipTlsClientNames: optional(list('SIP_TLS_CLIENT_NAMES')),
    // Who may call (docs/telephony.md): the SBC/PBX addresses or CIDRs; unset = any source (development).
    sipTrustedSources: optional(list('SIP_TRUSTED_SOURCES')),
    // Digest authentication of INVITE and REFER, on when SIP_DIGEST_USERNAME is set.
    sipDigestRealm: str('SIP_DIGEST_REALM', { default: 'ivr' }),
    sipDigestUsername: optional(str('SIP_DIGEST_USERNAME')),
    sipDigestPassword: optional(str('SIP_DIGEST_PASSWORD', { secret: true })),
    sipDigestAlgorithms: list('SIP_DIGEST_ALGORITHMS', { default: ['SHA-256', 'MD5'] }),
    sipDigestNonceSecret: optional(str('SIP_DIGEST_NONCE_SECRET', { secret: true })),
    // Calls in progress from one source address; more get 503 + Retry-After (an INVITE flood stays bounded).
    sipMaxCallsPerSource: int('SIP_MAX_CALLS_PER_SOURCE', { default: 500, min: 1 }),
    sipBusyRetryAfterSeconds: int('SIP_BUSY_RETRY_AFTER_SECONDS', { default: 5, min: 1 }),
    // Calls holding a vault session without a payment yet (keying the code in, or told their code is
    // unknown), at most: more get 503, so calls without a valid code cannot take the vault's sessions.
    maxUnresolvedCalls: int('CALL_MAX_UNRESOLVED', { default: 50, min: 1 }),
    // How long SIGTERM waits for calls in progress before hanging them up.
    drainTimeoutMs: int('SIP_DRAIN_TIMEOUT_MS', { default: 600_000, min: 0 }),

    databaseUrl: url('CALLCONTROL_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
    ...kafkaConfigSpec(),
    outboxRelayEnabled: bool('OUTBOX_RELAY_ENABLED', { default: true }),
    // The operator's console requests (ivr.payments.v1): each process reads every one, so one group per
    // process, from the newest message (idle groups expire on the broker). Kafka ACLs: prefix call-control.
    operatorRequestsGroup: str('OPERATOR_REQUESTS_GROUP', {
      default: `call-control-requests-${hostname()}-${process.pid}`,
    }),
    certsDir: str('IVR_CERTS_DIR'),

    // dtmf-vault, authorization and order-link: always mutual TLS; our certificate's CN (call-control)
    // is what they admit, and theirs must name them.
    // The vault, or its replicas separated by commas (one address per vault pod: in the chart, the
    // StatefulSet's per-pod names). A session opens on one and stays there (adapters/grpc/vault-replicas.ts).
    vaultAddresses: list('VAULT_GRPC_ADDRESS', { default: ['127.0.0.1:50053'] }),
    vaultServerName: str('VAULT_SERVER_NAME', { default: 'dtmf-vault' }),
    vaultDeadlineMs: int('VAULT_DEADLINE_MS', { default: 3000, min: 100 }),
    vaultPlayDeadlineMs: int('VAULT_PLAY_DEADLINE_MS', { default: 60_000, min: 1000 }),
    vaultRegisterDeadlineMs: int('VAULT_REGISTER_DEADLINE_MS', { default: 20_000, min: 1000 }),
    authorizationAddress: str('AUTHORIZATION_GRPC_ADDRESS', { default: '127.0.0.1:50054' }),
    authorizationServerName: str('AUTHORIZATION_SERVER_NAME', { default: 'authorization' }),
    authorizationDeadlineMs: int('AUTHORIZATION_DEADLINE_MS', { default: 15_000, min: 100 }),
    orderLinkAddress: str('ORDERLINK_GRPC_ADDRESS', { default: '127.0.0.1:50051' }),
    orderLinkServerName: str('ORDERLINK_SERVER_NAME', { default: 'order-link' }),
    orderLinkDeadlineMs: int('ORDERLINK_DEADLINE_MS', { default: 3000, min: 100 }),

    transferCodePattern: str('TRANSFER_CODE_PATTERN', { default: '^[0-9]{4,12}$' }),
    transferCodeHeader: optional(str('TRANSFER_CODE_HEADER', { default: 'X-Transfer-Code' })),
    // A keyed code is plain digits, returned by the vault in clear: at most 12, and at most the vault's
    // VAULT_TRANSFER_CODE_MAX_DIGITS (the vault refuses longer ones, docs/security-audit.md item 1).
    transferCodeMinLength: int('TRANSFER_CODE_MIN_LENGTH', { default: 6, min: 1, max: 12 }),
    transferCodeMaxLength: int('TRANSFER_CODE_MAX_LENGTH', { default: 6, min: 1, max: 12 }),
    defaultLanguage: oneOf('DIALOGUE_DEFAULT_LANGUAGE', LANGUAGES, { default: 'ja' }),
    authorizeAttempts: int('AUTHORIZE_ATTEMPTS', { default: 3, min: 1, max: 10 }),
    pendingPollMs: int('AUTHORIZATION_PENDING_POLL_MS', { default: 1000, min: 50 }),
    pendingWaitMs: int('AUTHORIZATION_PENDING_WAIT_MS', { default: 10_000, min: 0 }),
    // The card's registration and authorization start with the last key; "please wait" plays only if
    // the result has not come within this bound (and is cut the moment it comes).
    pleaseWaitAfterMs: int('PLEASE_WAIT_AFTER_MS', { default: 250, min: 0, max: 10_000 }),
    // Where a caller whose code is unknown goes back (when the INVITE has no Referred-By); BYE when unset.
    fallbackReturnUri: optional(str('RETURN_FALLBACK_URI')),
    // A PBX that refuses the hand-back REFER: the IVR calls the operator and bridges the two through the
    // vault (as agent-assisted calls do) instead of hanging up with "the operator will call you back".
    returnCallBack: bool('RETURN_CALL_BACK', { default: true }),
    // The operator's leg (agent-assisted mode and call-backs): given up after this long ringing.
    operatorRingTimeoutMs: int('OPERATOR_RING_TIMEOUT_MS', { default: 30_000, min: 1000, max: 300_000 }),
    // Where the calls the IVR places go first (the call centre's PBX), e.g. sip:pbx.example.com:5060;lr or
    // sip:10.0.0.5;lr;transport=tcp. Unset: through the PBX that record-routed the caller's INVITE, else
    // straight to the operator address's host.
    sipOutboundProxy: optional(str('SIP_OUTBOUND_PROXY')),

    // Crash recovery: this instance's lease. Its heartbeat silent for CALL_OWNER_STALE_MS, the other
    // instances end its open calls (payment fenced at authorization first when a card was captured).
    callOwnerStaleMs: int('CALL_OWNER_STALE_MS', { default: 15_000, min: 1000 }),
    callOwnerHeartbeatMs: int('CALL_OWNER_HEARTBEAT_MS', { default: 3000, min: 100 }),
    callRecoveryIntervalMs: int('CALL_RECOVERY_INTERVAL_MS', { default: 5000, min: 100 }),
  };
}

/** The variables call-control reads (tools/k8s checks the Helm chart against it). */
export function configSpec(): ConfigSpec {
  const timingSpec: ConfigSpec = Object.assign({}, ...Object.entries(FIELDS).map(([p, d]) => fieldTiming(p, d)));
  return { ...timingSpec, ...baseSpec() };
}

/** What `main.js migrate` reads: the database only (the migration Job sets nothing else). */
export function migrateConfigSpec() {
  return { databaseUrl: baseSpec().databaseUrl };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // One read, so that a ConfigError names every bad variable at once.
  const all = readConfig(configSpec(), env);
  const base = all as unknown as ConfigOf<ReturnType<typeof baseSpec>>;
  const timings = all as unknown as Record<string, number>;
  const timing = (prefix: keyof typeof FIELDS): FieldTiming => ({
    maxAttempts: timings[`${prefix}Attempts`] ?? FIELDS[prefix].maxAttempts,
    firstDigitTimeoutMs: timings[`${prefix}FirstDigit`] ?? FIELDS[prefix].firstDigitTimeoutMs,
    interDigitTimeoutMs: timings[`${prefix}InterDigit`] ?? FIELDS[prefix].interDigitTimeoutMs,
  });
  // A heartbeat or two may be late (a GC pause, a slow query) without the instance being taken for dead.
  if (base.callOwnerHeartbeatMs * 3 > base.callOwnerStaleMs) {
    throw new Error(
      `CALL_OWNER_HEARTBEAT_MS (${base.callOwnerHeartbeatMs}) must be at most a third of CALL_OWNER_STALE_MS (${base.callOwnerStaleMs})`,
    );
  }
  if (base.sipTlsClientNames && !base.sipTlsRequireClientCert) {
    throw new Error(
      'SIP_TLS_CLIENT_NAMES needs SIP_TLS_REQUIRE_CLIENT_CERT=true (names come from client certificates)',
    );
  }
  const badCidr = base.sipTrustedSources?.find((c) => !parseCidr(c));
  if (badCidr) throw new Error(`SIP_TRUSTED_SOURCES: not an address or CIDR: ${badCidr}`);
  const badAlgorithm = base.sipDigestAlgorithms.find((a) => a !== 'SHA-256' && a !== 'MD5');
  if (badAlgorithm) throw new Error(`SIP_DIGEST_ALGORITHMS: SHA-256 and/or MD5, not ${badAlgorithm}`);
  const badSuite = base.sipSrtpSuites.find((s) => !isSrtpSuite(s));
  if (badSuite) throw new Error(`SIP_SRTP_SUITES: ${SRTP_SUITES.join(' and/or ')}, not ${badSuite}`);
  if (base.sipDigestUsername && !base.sipDigestPassword) {
    throw new Error('SIP_DIGEST_USERNAME is set without SIP_DIGEST_PASSWORD');
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(base.transferCodePattern);
  } catch {
    throw new Error(`TRANSFER_CODE_PATTERN is not a valid regular expression: ${base.transferCodePattern}`);
  }
  const dialogue: DialogueConfig = {
    defaultLanguage: base.defaultLanguage,
    transferCode: {
      ...timing('TRANSFER_CODE'),
      minLength: base.transferCodeMinLength,
      maxLength: Math.max(base.transferCodeMinLength, base.transferCodeMaxLength),
    },
    confirm: timing('CONFIRM'),
    cardNumber: timing('CARD_NUMBER'),
    expiry: timing('EXPIRY'),
    securityCode: timing('SECURITY_CODE'),
    authorizeAttempts: base.authorizeAttempts,
    pendingPollMs: base.pendingPollMs,
    pendingWaitMs: base.pendingWaitMs,
    pleaseWaitAfterMs: base.pleaseWaitAfterMs,
    ...(base.fallbackReturnUri ? { fallbackReturnUri: base.fallbackReturnUri } : {}),
    callBackWhenReferRefused: base.returnCallBack,
  };
  if (base.sipOutboundProxy && !/^sips?:[^\s<>]+$/i.test(base.sipOutboundProxy)) {
    throw new Error(
      `SIP_OUTBOUND_PROXY must be a sip: URI such as sip:pbx.example.com;lr, not ${base.sipOutboundProxy}`,
    );
  }
  return { ...base, transferCodeRegExp: pattern, dialogue };
}

export type Config = ReturnType<typeof loadConfig>;

/** This service's schema in its database. */
export const DB_SCHEMA = 'callcontrol';

/** The TLS material of SIP over TLS, read by main.ts (files) and handed to sipOptions. */
export interface SipTlsMaterial {
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
}

export function sipOptions(config: Config, tlsMaterial?: SipTlsMaterial): SipUserAgentOptions {
  return {
    ...(config.sipTlsPort !== undefined && tlsMaterial
      ? {
          tls: {
            port: config.sipTlsPort,
            ...tlsMaterial,
            requireClientCertificate: config.sipTlsRequireClientCert,
            ...(config.sipTlsClientNames ? { clientNames: config.sipTlsClientNames } : {}),
          },
        }
      : {}),
    host: config.sipHost,
    port: config.sipPort,
    tcp: config.sipTcp,
    advertisedHost: config.sipAdvertisedHost,
    maxMessageSize: config.sipMaxMessageBytes,
    rateLimit: { perSecond: config.sipRatePerSecond, burst: config.sipRateBurst },
    referTimeoutMs: config.sipReferTimeoutMs,
    drainRetryAfterSeconds: config.drainRetryAfterSeconds,
    sdp: {
      requireTelephoneEvent: config.sipRequireTelephoneEvent,
      ...(config.sipSrtp !== 'off'
        ? { srtp: { suites: config.sipSrtpSuites, required: config.sipSrtp === 'require' } }
        : {}),
    },
    ...(config.sipTrustedSources ? { trustedSources: config.sipTrustedSources } : {}),
    ...(config.sipDigestUsername && config.sipDigestPassword
      ? {
          digest: {
            realm: config.sipDigestRealm,
            username: config.sipDigestUsername,
            password: config.sipDigestPassword,
            algorithms: config.sipDigestAlgorithms as DigestAlgorithm[],
            ...(config.sipDigestNonceSecret ? { nonceSecret: config.sipDigestNonceSecret } : {}),
          },
        }
      : {}),
    maxCallsPerSource: config.sipMaxCallsPerSource,
    busyRetryAfterSeconds: config.sipBusyRetryAfterSeconds,
  };
}
