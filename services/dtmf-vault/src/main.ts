// Wiring only: configuration, prompts, the RTP port pool and ticker, the PSP connector, the Vault
// and its gRPC server. No database, no Kafka, no disk writes.
import { runService } from '@ivr/runtime';
import { startVaultGrpcServer } from './adapters/grpc/server';
import { registerVaultMetrics } from './adapters/metrics';
import { StripeTokenizer } from './adapters/psp/stripe-tokenizer';
import { PortPool } from './adapters/rtp/port-pool';
import { Ticker } from './adapters/rtp/ticker';
import { loadConfig } from './config';
import { PromptStore } from './prompts/prompt-store';
import { Vault } from './session/vault';

const config = loadConfig();

void runService({
  service: 'dtmf-vault',
  adminPort: config.adminPort,
  async start(ctx) {
    const prompts = PromptStore.load(config.promptsDir);
    const ticker = new Ticker();
    const vault = new Vault({
      ports: new PortPool({ address: config.rtpBindAddress, minPort: config.rtpPortMin, maxPort: config.rtpPortMax }),
      advertisedAddress: config.rtpAdvertisedAddress ?? config.rtpBindAddress,
      ticker,
      prompts,
      tokenizer: new StripeTokenizer({
        baseUrl: config.pspUrl,
        apiKey: config.pspApiKey,
        timeoutMs: config.pspTimeoutMs,
      }),
      limits: {
        maxSessionMs: config.maxSessionSeconds * 1000,
        rtpSilenceMs: config.rtpSilenceSeconds * 1000,
        maxSessions: config.maxSessions,
      },
      now: Date.now,
      today: () => new Date(),
    });
    registerVaultMetrics(ctx.telemetry.meter, vault, ticker);
    ctx.addReadinessCheck('rtp ports', () => vault.sessionCount < config.maxSessions);
    const grpc = await startVaultGrpcServer(vault, {
      host: config.grpcHost,
      port: config.grpcPort,
      tls: config.certsDir
        ? { certsDir: config.certsDir }
        : { caPem: config.tlsCaPem ?? '', certPem: config.tlsCertPem ?? '', keyPem: config.tlsKeyPem ?? '' },
      allowedClients: config.allowedClients,
      logger: ctx.logger,
    });
    ctx.logger.info(
      {
        grpcPort: grpc.port,
        rtpPorts: `${config.rtpPortMin}-${config.rtpPortMax}`,
        psp: config.psp,
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
