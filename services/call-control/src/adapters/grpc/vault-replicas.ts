// The vault's replicas as call-control sees them (VAULT_GRPC_ADDRESS with several addresses, one per
// vault pod). A media session lives in the memory of the vault that opened it, so every later call of
// that session must reach the same one: the handle the dialogue carries is `<replica>/<vault's session
// id>` when there are several (the vault's own id, unchanged, when there is one). The handle lives as
// long as the call, in this process only: a call-control instance that dies takes its calls with it
// (the lost-call sweeper ends them, src/recovery), so no other instance ever needs to find a session.
// New sessions go round robin over the replicas, those whose channel is failing tried last.
import { connectivityState } from '@grpc/grpc-js';
import type { VaultServiceClient } from '@ivr/contracts/vault/v1';
import { MediaSessionLost } from '../../dialogue/errors';

export class VaultReplicas {
  private turn = 0;

  constructor(private readonly clients: readonly VaultServiceClient[]) {
    if (clients.length === 0) throw new Error('VaultReplicas: at least one vault');
  }

  get size(): number {
    return this.clients.length;
  }

  /**
   * The replicas to try, in order, for a new session: the next in turn first, then the others; one
   * whose channel is in TRANSIENT_FAILURE (down, restarting) goes last, still tried if all are.
   */
  openOrder(): number[] {
    const n = this.clients.length;
    const start = this.turn++ % n;
    this.turn %= n;
    const order = Array.from({ length: n }, (_, i) => (start + i) % n);
    const failing = (i: number) =>
      this.clients[i]?.getChannel().getConnectivityState(false) === connectivityState.TRANSIENT_FAILURE;
    return [...order.filter((i) => !failing(i)), ...order.filter(failing)];
  }

  client(replica: number): VaultServiceClient {
    const client = this.clients[replica];
    if (!client) throw new Error(`no vault replica ${replica}`);
    return client;
  }

  /** The handle of a session that replica `replica` opened. */
  handle(replica: number, sessionId: string): string {
    return this.clients.length === 1 ? sessionId : `${replica}/${sessionId}`;
  }

  /** The replica holding a session and the vault's own id of it; a handle naming no replica: MediaSessionLost. */
  route(handle: string): { client: VaultServiceClient; sessionId: string } {
    if (this.clients.length === 1) return { client: this.client(0), sessionId: handle };
    const slash = handle.indexOf('/');
    const client = this.clients[Number(handle.slice(0, slash))];
    if (slash < 1 || !client) throw new MediaSessionLost('media session handle names no vault replica');
    return { client, sessionId: handle.slice(slash + 1) };
  }
}
