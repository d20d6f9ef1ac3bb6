import { int, list, optional, readConfig, str } from '@ivr/config';
import { defaultPspAccount, pspConfigSpec } from '@ivr/psp';

/** The variables the vault reads (tools/k8s checks the Helm chart against it). */
export function configSpec() {
  return {
    grpcPort: int('GRPC_PORT', { default: 50053, min: 0, max: 65535 }),
    grpcHost: str('GRPC_HOST', { default: '0.0.0.0' }),
    adminPort: int('ADMIN_PORT', { default: 9103, min: 0, max: 65535 }),
    // mTLS material: a folder (ca.crt, dtmf-vault.crt/.key from scripts/certs.sh) or, in Kubernetes,
    // where the vault has no volume at all, the PEMs themselves in TLS_CA_PEM/TLS_CERT_PEM/TLS_KEY_PEM.
    certsDir: optional(str('IVR_CERTS_DIR')),
    tlsCaPem: optional(str('TLS_CA_PEM')),
    tlsCertPem: optional(str('TLS_CERT_PEM')),
    tlsKeyPem: optional(str('TLS_KEY_PEM', { secret: true })),
    // Identities (certificate CN or DNS SAN) allowed to call the vault.
    allowedClients: list('GRPC_ALLOWED_CLIENTS', { default: ['call-control'] }),
    rtpBindAddress: str('RTP_BIND_ADDRESS', { default: '0.0.0.0' }),
    // Address written into SDP answers; defaults to the bind address (set it behind NAT or when binding 0.0.0.0).
    rtpAdvertisedAddress: optional(str('RTP_ADVERTISED_ADDRESS')),
    rtpPortMin: int('RTP_PORT_MIN', { default: 40000, min: 1024, max: 65535 }),
    rtpPortMax: int('RTP_PORT_MAX', { default: 40999, min: 1024, max: 65535 }),
    maxSessions: int('VAULT_MAX_SESSIONS', { default: 400, min: 1 }),
    maxSessionSeconds: int('VAULT_MAX_SESSION_SECONDS', { default: 900, min: 10 }),
    rtpSilenceSeconds: int('VAULT_RTP_SILENCE_SECONDS', { default: 30, min: 1 }),
    // A captured card not registered within this long of its last field is wiped (RegisterCard then
    // answers REGISTRATION_FAILURE_CARD_WIPED).
    cardTtlSeconds: int('VAULT_CARD_TTL_SECONDS', { default: 60, min: 5, max: 600 }),
    // Plain digits (returned in clear): the longest transfer code (call-control's TRANSFER_CODE_MAX_LENGTH)
    // and how many one session may return in all (the code and the amount confirmations).
    transferCodeMaxDigits: int('VAULT_TRANSFER_CODE_MAX_DIGITS', { default: 6, min: 1, max: 12 }),
    plainDigitsPerSession: int('VAULT_PLAIN_DIGITS_PER_SESSION', { default: 9, min: 1, max: 12 }),
    // A folder of professional recordings replacing the generated prompts (<lang>/<id>.ul or .wav).
    promptsDir: optional(str('PROMPTS_DIR')),
    // The PSP seam (docs/decisions/0009-psp-seam-and-gmo-pg.md): the default account's gateway and
    // credentials (GMO-PG: the site only), and each gateway's API address (@ivr/psp's pspConfigSpec).
    ...pspConfigSpec('vault'),
    // Each PSP request's total deadline (connect to last byte of the answer), beside PSP_TIMEOUT_MS, which
    // only bounds a silence: a PSP trickling its answer is given up at this deadline. Kept below
    // call-control's VAULT_REGISTER_DEADLINE_MS (20 s) divided by the requests a registration makes (GMO-PG: 2).
    pspDeadlineMs: int('PSP_DEADLINE_MS', { default: 9000, min: 100, max: 120_000 }),
  };
}

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(configSpec(), env);
  if (config.rtpPortMax <= config.rtpPortMin) throw new Error('RTP_PORT_MAX must be above RTP_PORT_MIN');
  if (config.plainDigitsPerSession < config.transferCodeMaxDigits)
    throw new Error('VAULT_PLAIN_DIGITS_PER_SESSION must leave room for VAULT_TRANSFER_CODE_MAX_DIGITS');
  const pems = [config.tlsCaPem, config.tlsCertPem, config.tlsKeyPem].filter((p) => p !== undefined).length;
  if (!config.certsDir && pems !== 3)
    throw new Error('mutual TLS needs IVR_CERTS_DIR or all of TLS_CA_PEM, TLS_CERT_PEM and TLS_KEY_PEM');
  defaultPspAccount(config, 'vault'); // the default account must be complete: stop here naming what is missing
  return config;
}

export type Config = ReturnType<typeof loadConfig>;
