// The whole system and a load generator ready to place payment calls: the five services as real
// processes with the PSP simulator at zero latency (@ivr/testkit/payment-system), one SIP socket,
// a Kafka watch of each call's steps, and a count of calls up at once.
import { Kamailio } from '@ivr/testkit/kamailio';
import { PaymentSystem } from '@ivr/testkit/payment-system';
import type { CallContext } from './payment-call';
import { Concurrency } from './rate';
import { resultPromptHeads } from './rtp-leg';
import { SipUac } from './sip-uac';
import { StepWatch } from './step-watch';

export interface CallRig {
  system: PaymentSystem;
  /** Where SIPp sends its INVITEs: call-control, or the SIP proxy in front of it (`proxy` option). */
  sipTarget: string;
  uac: SipUac;
  ctx: CallContext;
  concurrency: Concurrency;
  stop(): Promise<void>;
}

export interface RigOptions {
  /** Names the Kafka consumer group of the step watch. */
  tag: string;
  /** Node options for the services' processes (the soak opens an inspector on each). */
  serviceNodeOptions?: string;
  /**
   * Put the call centre's SIP proxy (Kamailio, docs/telephony.md) in front of call-control for SIPp's
   * calls. The own UAC keeps calling call-control directly: it does not follow a route set.
   */
  proxy?: boolean;
  /**
   * Processes of every service (default 1; @ivr/testkit/payment-system). With more than one, SIPp's
   * calls go through the proxy (its dispatcher spreads them over the call-control replicas) and the own
   * UAC places each call at the next running replica.
   */
  replicas?: number;
}

/** PaymentSystem.start, tried twice: on a busy machine a service can miss its 30 s readiness wait. */
async function startSystem(rtpBase: number, replicas: number): Promise<PaymentSystem> {
  const vaultEnv = { RTP_PORT_MIN: String(rtpBase), RTP_PORT_MAX: String(rtpBase + 1999) };
  for (let attempt = 1; ; attempt++) {
    try {
      return await PaymentSystem.start({ 'dtmf-vault': vaultEnv }, { replicas });
    } catch (err) {
      if (attempt === 2) throw err;
      console.log(`the system did not start (${(err as Error).message}); once more in 10 s`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
}

export async function startCallRig(options: RigOptions): Promise<CallRig> {
  // The vault takes an RTP port per call: a range of 2000 of its own, apart from other engineers' runs.
  const rtpBase = 41_000 + Math.floor(Math.random() * 10) * 2000;
  const ownNodeOptions = process.env.NODE_OPTIONS;
  if (options.serviceNodeOptions !== undefined) process.env.NODE_OPTIONS = options.serviceNodeOptions;
  let system: PaymentSystem;
  try {
    system = await startSystem(rtpBase, options.replicas ?? 1);
  } finally {
    if (ownNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = ownNodeOptions;
  }
  const proxy =
    options.proxy || system.replicaCount > 1
      ? await Kamailio.start({ ivrUri: system.sipPorts.map((port) => `sip:127.0.0.1:${port}`) })
      : undefined;
  const uac = await SipUac.open(() => system.nextSipPort());
  const watch = await StepWatch.start(system.kafka, `${options.tag}-${system.run}`);
  const concurrency = new Concurrency();
  const ctx: CallContext = {
    system,
    uac,
    watch,
    heads: resultPromptHeads('en'),
    onEstablished: concurrency.up,
    onEnded: concurrency.down,
  };
  return {
    system,
    sipTarget: proxy?.address ?? `127.0.0.1:${system.sipPort}`,
    uac,
    ctx,
    concurrency,
    async stop() {
      uac.close();
      await watch.stop().catch(() => {});
      await proxy?.stop();
      await system.stop();
    },
  };
}
