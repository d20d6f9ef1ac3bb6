// An order system's API key, issued the documented way (order-link's CLI, see its README), so the
// fuzzers get past authentication and reach the handlers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function issueApiKey(orderSystem: string): string {
  const out = execFileSync('npm', ['run', '-s', '-w', '@ivr/order-link', 'api-key', '--', orderSystem, 'fuzz'], {
    cwd: join(__dirname, '..', '..', '..'),
    encoding: 'utf8',
  });
  const key = (JSON.parse(out) as { key?: unknown }).key;
  if (typeof key !== 'string') throw new Error('the api-key CLI printed no key');
  return key;
}
