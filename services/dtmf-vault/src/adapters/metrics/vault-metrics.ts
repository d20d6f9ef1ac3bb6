// Prometheus metrics of the vault (served at the admin /metrics): counts only. No label ever holds a
// digit, a session's card data or anything a caller typed.

import type { Ticker } from '@ivr/media';
import type { ServiceContext } from '@ivr/runtime';
import type { Vault } from '../../app/vault';

type Meter = ServiceContext['telemetry']['meter'];

export function registerVaultMetrics(meter: Meter, vault: Vault, ticker: Ticker): void {
  meter
    .createObservableGauge('vault_media_sessions', { description: 'Open media sessions' })
    .addCallback((result) => result.observe(vault.sessionCount));
  meter
    .createObservableCounter('vault_rtp_packets_received', {
      description: 'RTP datagrams received, by what became of them',
    })
    .addCallback((result) => {
      const t = vault.totals();
      result.observe(t.packetsAccepted, { result: 'accepted' });
      result.observe(t.garbage, { result: 'garbage' });
      result.observe(t.foreignSsrc, { result: 'foreign_ssrc' });
      result.observe(t.wrongSource, { result: 'wrong_source' });
      result.observe(t.unexpectedPayloadType, { result: 'unexpected_payload_type' });
      result.observe(t.srtpAuthFailed, { result: 'srtp_auth_failed' });
      result.observe(t.srtpReplayed, { result: 'srtp_replayed' });
    });
  meter
    .createObservableGauge('vault_srtp_sessions', { description: 'Open media sessions whose RTP is SRTP' })
    .addCallback((result) => result.observe(vault.secureSessionCount));
  meter
    .createObservableCounter('vault_rtp_packets_sent', { description: 'RTP packets sent (prompts and silence)' })
    .addCallback((result) => result.observe(vault.totals().packetsSent));
  meter
    .createObservableCounter('vault_cards_wiped_unregistered', {
      description: 'Captured cards wiped because no registration came within VAULT_CARD_TTL_SECONDS',
    })
    .addCallback((result) => result.observe(vault.totals().cardsWipedUnregistered));
  meter
    .createObservableCounter('vault_dtmf_keys', { description: 'Key presses detected (RFC 4733 or in-band)' })
    .addCallback((result) => result.observe(vault.totals().keys));
  meter
    .createObservableGauge('vault_operator_legs', { description: 'Open operator legs (agent-assisted calls)' })
    .addCallback((result) => result.observe(vault.bridgeTotals().operatorLegs));
  meter
    .createObservableCounter('vault_masked_audio_seconds', {
      description:
        'Caller audio replaced toward operators while card fields were captured (keypad tones, and speech taken for them)',
      unit: 's',
    })
    .addCallback((result) => result.observe(vault.bridgeTotals().maskedSamples / 8000));
  meter
    .createObservableGauge('vault_playout_tick_lateness_seconds', {
      description:
        'Lateness of the latest playout step (the 20 ms tick runs in phases: a step is one group of sessions)',
      unit: 's',
    })
    .addCallback((result) => {
      const n = ticker.latenessCount;
      if (n > 0) result.observe((ticker.lateness[(n - 1) % ticker.lateness.length] as number) / 1000);
    });
}
