import { int, list, oneOf, optional, readConfig, str, url } from '@ivr/config';

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(
    {
      grpcPort: int('GRPC_PORT', { default: 50053, min: 0, max: 65535 }),
      grpcHost: str('GRPC_HOST', { default: '0.0.0.0' }),
      adminPort: int('ADMIN_PORT', { default: 9103, min: 0, max: 65535 }),
      certsDir: str('IVR_CERTS_DIR'),
      // Common names of client certificates allowed to call the vault.
      allowedClients: list('VAULT_ALLOWED_CLIENTS', { default: ['call-control'] }),
      rtpBindAddress: str('RTP_BIND_ADDRESS', { default: '0.0.0.0' }),
      // Address written into SDP answers; defaults to the bind address (set it behind NAT or when binding 0.0.0.0).
      rtpAdvertisedAddress: optional(str('RTP_ADVERTISED_ADDRESS')),
      rtpPortMin: int('RTP_PORT_MIN', { default: 40000, min: 1024, max: 65535 }),
      rtpPortMax: int('RTP_PORT_MAX', { default: 40999, min: 1024, max: 65535 }),
      maxSessions: int('VAULT_MAX_SESSIONS', { default: 400, min: 1 }),
      maxSessionSeconds: int('VAULT_MAX_SESSION_SECONDS', { default: 900, min: 10 }),
      rtpSilenceSeconds: int('VAULT_RTP_SILENCE_SECONDS', { default: 30, min: 1 }),
      // A folder of professional recordings replacing the generated prompts (<lang>/<id>.ul or .wav).
      promptsDir: optional(str('PROMPTS_DIR')),
      psp: oneOf('VAULT_PSP', ['simulator', 'stripe'] as const, { default: 'simulator' }),
      pspUrl: url('VAULT_PSP_URL', { default: 'http://127.0.0.1:12111', protocols: ['http', 'https'] }),
      pspApiKey: str('VAULT_PSP_API_KEY', { default: 'sk_test_simulator', secret: true }),
      pspTimeoutMs: int('VAULT_PSP_TIMEOUT_MS', { default: 10_000, min: 100 }),
    },
    env,
  );
  if (config.rtpPortMax <= config.rtpPortMin) throw new Error('RTP_PORT_MAX must be above RTP_PORT_MIN');
  return config;
}

export type Config = ReturnType<typeof loadConfig>;
