// A Chrome DevTools Protocol session with one service process, opened through the inspector the soak
// starts in each service (--inspect=127.0.0.1:0): its V8 heap after a forced GC, and heap snapshots
// when a service grows. The services export no heap metrics, and RSS alone cannot tell a leak from
// a heap that has not finished growing. Uses Node's global WebSocket (the project's Node 24).

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => this.receive(String(event.data)));
    socket.addEventListener('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('inspector closed'));
      this.pending.clear();
    });
  }

  /** The inspector's address from the service's own output ("Debugger listening on ws://..."). */
  static urlIn(output: string): string | undefined {
    return [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].at(-1)?.[1];
  }

  static async open(url: string): Promise<InspectorSession> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot open the inspector at ${url}`)), {
        once: true,
      });
    });
    return new InspectorSession(socket);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const res = await this.send('Runtime.evaluate', { expression, returnByValue: true });
    const result = res.result as { value?: T } | undefined;
    if (res.exceptionDetails || !result) throw new Error(`could not evaluate ${expression}`);
    return result.value as T;
  }

  async pid(): Promise<number> {
    return this.evaluate<number>('process.pid');
  }

  /** process.memoryUsage() after a full GC (`gc` false: as it is). */
  async memory(gc = true): Promise<MemoryUsage> {
    if (gc) await this.send('HeapProfiler.collectGarbage');
    return this.evaluate<MemoryUsage>('process.memoryUsage()');
  }

  /**
   * The service writes a heap snapshot to `file` itself (v8.writeHeapSnapshot): megabytes of JSON that
   * would otherwise cross the socket and be parsed by the load generator while it places calls.
   */
  async writeHeapSnapshot(file: string): Promise<void> {
    await this.evaluate<string>(`process.getBuiltinModule('v8').writeHeapSnapshot(${JSON.stringify(file)})`);
  }

  close(): void {
    this.socket.close();
  }

  private receive(text: string): void {
    const msg = JSON.parse(text) as {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      result?: Record<string, unknown>;
      error?: { message: string };
    };
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
    }
  }
}
