// Until the vault serves the bridge of agent-assisted calls (OpenOperatorLeg and the rest, issue 15, its
// own side in progress): every operator leg fails MEDIA_UNAVAILABLE, so an agent-assisted caller hears
// that the operator could not join and pays with the IVR alone, and a refused REFER is not called back.
// Replaced by adapters/grpc/bridge-port.ts once the vault's contract has it.
import type { BridgePort } from '../app/ports';

export const noBridge: BridgePort = {
  openOperatorLeg: () => Promise.reject(new Error('this vault does not bridge an operator leg yet')),
  setLegRemote: async () => {},
  setLegDirection: async () => {},
  closeOperatorLeg: async () => {},
  watch: () => {},
};
