import type { LiveUpdate } from './live-update';

/** A connected screen: `send` writes one SSE message. */
export interface LiveSubscriber {
  send(update: LiveUpdate): void;
}

/** In-memory fan-out of live updates to the streams of each operator connected to this instance. */
export class LiveHub {
  private readonly byOperator = new Map<string, Set<LiveSubscriber>>();

  subscribe(operatorId: string, s: LiveSubscriber): () => void {
    const set = this.byOperator.get(operatorId) ?? new Set<LiveSubscriber>();
    this.byOperator.set(operatorId, set);
    set.add(s);
    return () => {
      set.delete(s);
      if (set.size === 0) this.byOperator.delete(operatorId);
    };
  }

  publish(operatorId: string, update: LiveUpdate): number {
    const set = this.byOperator.get(operatorId);
    if (!set) return 0;
    for (const s of set) s.send(update);
    return set.size;
  }

  get connections(): number {
    let n = 0;
    for (const s of this.byOperator.values()) n += s.size;
    return n;
  }
}
