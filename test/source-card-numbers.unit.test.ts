// The services run with their source maps, whose sources sit in every process's heap: a card-number-shaped
// run in a comment or string of code that a service bundles (a test card written as an example) makes the
// leak scan of test/e2e/payment-call.e2e.test.ts find "card data" in every heap. Caught here, early.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cardNumberSpans } from '@ivr/contracts';

const ROOT = path.join(__dirname, '..');

test('no code that a service bundles holds a card-number-shaped run', () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'packages/*/src/*', 'services/*/src/*'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && !file.includes('/src/gen/'))
    // The test kit is never bundled into a service (the dependency rule test keeps it so); it places calls
    // with published test cards on purpose.
    .filter((file) => !file.startsWith('packages/testkit/'));
  expect(files.length).toBeGreaterThan(100);
  const found = files.flatMap((file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    return cardNumberSpans(text).map(({ start }) => `${file}:${text.slice(0, start).split('\n').length}`);
  });
  expect(found).toEqual([]);
});
