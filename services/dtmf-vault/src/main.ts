// Wiring only: configuration, the vault on its adapters (wiring.ts: prompts, @ivr/media's RTP port
// pool and ticker), the PSP connector and the gRPC server. No database, no Kafka, no disk writes.
import { runService } from '@ivr/runtime';
import { startVaultGrpcServer, vaultTls } from './adapters/grpc/server';
import { registerVaultMetrics } from './adapters/metrics/vault-metrics';
import { tokenizersFromConfig } from './adapters/psp/from-config';
import { loadConfig } from './config';
import { buildVault } from './wiring';

void runService({
  service: 'dtmf-vault',
  config: loadConfig,
  adminPort: (config) => config.adminPort,
  async start(ctx) {
    const { config } = ctx;
    const tlsOptions = config.certsDir
      ? { certsDir: config.certsDir }
      : { caPem: config.tlsCaPem ?? '', certPem: config.tlsCertPem ?? '', keyPem: config.tlsKeyPem ?? '' };
    const psp = tokenizersFromConfig(config, vaultTls(tlsOptions));
    ctx.onStop('psp accounts client', () => psp.close());
    const { vault, ticker, prompts } = buildVault({
      rtp: { address: config.rtpBindAddress, minPort: config.rtpPortMin, maxPort: config.rtpPortMax },
      advertisedAddress: config.rtpAdvertisedAddress,
      promptsDir: config.promptsDir,
      tokenizers: psp.tokenizers,
      limits: {
        maxSessionMs: config.maxSessionSeconds * 1000,
        rtpSilenceMs: config.rtpSilenceSeconds * 1000,
        maxSessions: config.maxSessions,
        cardTtlMs: config.cardTtlSeconds * 1000,
        plainDigits: { transferCodeMaxDigits: config.transferCodeMaxDigits, perSession: config.plainDigitsPerSession },
      },
    });
    registerVaultMetrics(ctx.telemetry.meter, vault, ticker);
    ctx.addReadinessCheck('rtp ports', () => vault.sessionCount < config.maxSessions);
    const grpc = await startVaultGrpcServer(vault, {
      host: config.grpcHost,
      port: config.grpcPort,
      tls: tlsOptions,
      allowedClients: config.allowedClients,
      logger: ctx.logger,
    });
    ctx.logger.info(
      {
        grpcPort: grpc.port,
        rtpPorts: `${config.rtpPortMin}-${config.rtpPortMax}`,
        psp: config.pspProvider,
        promptBytes: prompts.totalBytes,
      },
      'dtmf-vault ready',
    );
    ctx.onStop('grpc', () => grpc.stop());
    ctx.onStop('media sessions', () => {
      vault.closeAll('shutdown');
      ticker.stop();
    });
  },
});
