// Prints one closing line over every jest tier of this run (.var/test-results/*.json), in the plain
// form CI reads: "tests: N passed, N failed, N skipped". Exits 1 when any failed or none ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../.var/test-results/', import.meta.url);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  const r = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  console.log(
    `  ${f.replace('.json', '').padEnd(5)} ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
