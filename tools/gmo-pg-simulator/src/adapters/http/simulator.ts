import type { Gateway, GatewaySettings } from '../../domain';
import type { GmoFaults } from './faults';
import type { Charset } from './form-codec';

/** The simulator's clock: real time plus an offset the tests move (`POST /_sim/clock`). */
export class SimClock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
}

/** What the HTTP adapter works with. `settings` and `charset` are changed by `PUT /_sim/settings`. */
export interface SimulatorRuntime {
  gateway: Gateway;
  settings: GatewaySettings;
  charset: Charset;
  readonly initial: { charset: Charset; cardMask: GatewaySettings['cardMask'] };
  faults: GmoFaults;
  clock: SimClock;
  /** One JSON line per request: method, path, status, time, the ErrInfo list. Never a body. */
  log: (line: Record<string, unknown>) => void;
}
