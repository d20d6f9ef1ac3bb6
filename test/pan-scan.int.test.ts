// The leak scan must find what it is for: a card number (plain, spaced, hex) or a security code next
// to a card-ish key, in a table row or a log line; and stay quiet on masked data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { scanForCardData } from '../scripts/pan-scan';

const url = process.env.IVR_TEST_DATABASE_URL ?? '';
const schema = `panscan_${process.pid}_${Date.now()}`;
const pool = new Pool({ connectionString: url });
const dir = mkdtempSync(join(tmpdir(), 'pan-scan-'));

afterAll(async () => {
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

test('finds planted card data in a table and in logs, and names where without repeating it', async () => {
  await pool.query(`create schema "${schema}"`);
  await pool.query(`create table "${schema}".t (doc jsonb, raw bytea)`);
  await pool.query(`insert into "${schema}".t values ($1, null), (null, $2)`, [
    { card: { bin6: '424242', last4: '4242' } },
    Buffer.from('5555555555554444'),
  ]);
  writeFileSync(join(dir, 'a.log'), '{"msg":"x","card":"4000 0000 0000 0002"}\n');
  writeFileSync(join(dir, 'b.log'), 'card[cvc]=917&card[exp_month]=12\n');
  writeFileSync(join(dir, 'c.log'), '{"bin6":"424242","last4":"4242","digitsEntered":16,"n":917}\n');

  const hits = await scanForCardData({
    pans: ['4242424242424242', '4000000000000002', '5555555555554444'],
    securityCodes: ['917'],
    databaseUrls: [url],
    logDir: dir,
    sources: ['tables', 'logs'],
  });
  const found = hits.map((h) => `${h.source} ${h.location.split('/').pop()} ${h.what}`);
  expect(found).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^table .*${schema}\\.t 555555\\*{6}4444 \\(hex\\)$`)),
      'log a.log 400000******0002',
      'log b.log security code #1',
    ]),
  );
  expect(found.some((f) => f.includes('c.log'))).toBe(false);
  expect(found.some((f) => f.includes('4242424242424242'))).toBe(false);
});

test('reads big files in pieces without losing a number across a piece boundary or inventing one', async () => {
  const piece = 8 * 1024 * 1024; // scripts/pan-scan/files.ts reads 8 MiB at a time...
  const overlap = 72; // ...and reads the last 2 × 16 + 40 characters again with the next piece
  const file = (name: string, at: number, text: string) => {
    const content = Buffer.alloc(piece + 100, ' ');
    content.write(text, at, 'latin1');
    writeFileSync(join(dir, name), content);
  };
  // Around the end of the first read and around where the second read starts again.
  const edges = [piece - 8, piece - 1, piece - overlap - 8, piece - overlap - 1, piece - overlap];
  edges.forEach((at, i) => {
    file(`across-${i}.log`, at, '4000000000000002');
    file(`longer-${i}.log`, at, '95555555555554444'); // 17 digits: not a card number
  });

  const hits = await scanForCardData({
    pans: ['4000000000000002', '5555555555554444'],
    logDir: dir,
    sources: ['logs'],
  });
  const found = hits.map((h) => `${h.location.split('/').pop()} ${h.what}`);
  expect(found).toEqual(expect.arrayContaining(edges.map((_, i) => `across-${i}.log 400000******0002`)));
  expect(found.filter((f) => f.startsWith('longer'))).toEqual([]);
});
