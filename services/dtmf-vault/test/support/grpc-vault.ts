// A vault served over mutual TLS on loopback, as call-control reaches it, with phones that open
// sessions on it: for the gRPC integration tests.
import { Codec, type OpenMediaSessionRequest } from '@ivr/contracts/vault/v1';
import { g711Frames, silence } from '@ivr/testkit/dtmf-signals';
import { startVaultGrpcServer } from '../../src/adapters/grpc/server';
import type { VaultLimits } from '../../src/app/vault';
import type { CardTokenizer } from '../../src/card/card-tokenizer';
import { certsDir, vaultApi, vaultClient } from './grpc-client';
import { RtpPeer } from './rtp-peer';
import { createTestVault } from './vault-harness';

/** The offer of a phone on loopback: PCMU, telephone-event 101, no SDP address. */
export function loopbackOffer(callId: string): OpenMediaSessionRequest {
  return {
    offeredCodecs: [Codec.CODEC_PCMU],
    telephoneEventPayloadType: 101,
    remoteAddress: '',
    remotePort: 0,
    pinRemoteAddress: false,
    callId,
    offeredCrypto: [],
  };
}

export async function startGrpcVault(tokenizer: CardTokenizer, limits: Partial<VaultLimits> = {}) {
  const { vault } = createTestVault(tokenizer, limits);
  const server = await startVaultGrpcServer(vault, {
    host: '127.0.0.1',
    port: 0,
    tls: { certsDir: certsDir() },
    allowedClients: ['call-control'],
  });
  const client = vaultClient(server.port, 'call-control');
  const api = vaultApi(client);
  const peers: RtpPeer[] = [];
  return {
    vault,
    server,
    client,
    api,
    /** Opens a session as call-control does and a phone that has started sending audio to it. */
    async openSession(callId = 'call-1') {
      const opened = await api.open(loopbackOffer(callId));
      const peer = await RtpPeer.open({ address: opened.rtpAddress, port: opened.rtpPort });
      peers.push(peer);
      await peer.sendAudio(g711Frames(silence(40)));
      return { opened, peer };
    },
    async stop() {
      client.close();
      for (const p of peers) p.close();
      vault.closeAll('shutdown');
      await server.stop();
    },
  };
}
