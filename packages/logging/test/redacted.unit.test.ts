import { inspect } from 'node:util';
import { createLogger, REDACTED, Redacted } from '../src';

class Pin extends Redacted {
  readonly bytes = Uint8Array.of(4, 2, 4, 2);
}

describe('Redacted', () => {
  it('prints as [REDACTED] however it is turned into text, alone or nested', () => {
    const pin = new Pin();
    for (const text of [String(pin), `${pin}`, JSON.stringify({ pin }), inspect({ deep: { pin } }), pin + ''])
      expect(text).not.toMatch(/4,\s*2|04 02/);
    expect(`${pin}`).toBe(REDACTED);
  });

  it('reaches a log line as [REDACTED]', () => {
    const lines: string[] = [];
    const log = createLogger({
      service: 'test',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    log.info({ value: new Pin() }, 'a secret');
    expect(lines.join('')).toContain(`"value":"${REDACTED}"`);
  });
});
