// CPU profiles of the services for one phase of a benchmark, through the inspector each service opens
// when started with --inspect=127.0.0.1:0 (the soak does the same for memory): V8's sampling profiler
// started when the phase starts and stopped when it ends, so that start-up and the other phases stay
// out. Each profile is written as .cpuprofile (Chrome DevTools and speedscope open it) and drawn as a
// flame graph by bench/flame/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuProfile } from '../flame/profile';
import { InspectorSession } from '../soak/inspector';

/** The NODE_OPTIONS that let the profiler in. */
export const PROFILE_NODE_OPTIONS = '--inspect=127.0.0.1:0';

export class PhaseProfiler {
  private constructor(private readonly sessions: Map<string, InspectorSession>) {}

  /** One inspector session per service, from the address each printed when it started. */
  static async attach(outputs: Record<string, string>): Promise<PhaseProfiler> {
    const sessions = new Map<string, InspectorSession>();
    for (const [name, output] of Object.entries(outputs)) {
      const url = InspectorSession.urlIn(output);
      if (!url) throw new Error(`${name} opened no inspector (started without ${PROFILE_NODE_OPTIONS}?)`);
      sessions.set(name, await InspectorSession.open(url));
    }
    return new PhaseProfiler(sessions);
  }

  /** Starts every service's profiler, sampling every `intervalUs`. */
  async start(intervalUs = 1000): Promise<void> {
    for (const s of this.sessions.values()) {
      await s.send('Profiler.enable');
      await s.send('Profiler.setSamplingInterval', { interval: intervalUs });
      await s.send('Profiler.start');
    }
  }

  /** Stops them and writes `<dir>/<service>.cpuprofile`; returns the files by service. */
  async stop(dir: string): Promise<Record<string, string>> {
    mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {};
    for (const [name, s] of this.sessions) {
      const { profile } = (await s.send('Profiler.stop')) as { profile: CpuProfile };
      await s.send('Profiler.disable');
      const file = join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      files[name] = file;
    }
    return files;
  }

  close(): void {
    for (const s of this.sessions.values()) s.close();
  }
}
