// What the card-number mask costs: maskPans alone on typical log lines, and whole log lines/s through
// @ivr/logging (key censoring + trace mixin + mask) against bare pino writing to the same null stream.
// Prints figures; asserts nothing.
import { Writable } from 'node:stream';
import { createLogger, maskPans } from '@ivr/logging';
import pino from 'pino';
import { fmt, printTable } from './stats';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2000);

function opsPerSecond(fn: (i: number) => void): number {
  for (let i = 0; i < 10_000; i++) fn(i); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1000; i++) fn(ops + i);
    ops += 1000;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

const nullStream = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

const lines = {
  'no digit runs': JSON.stringify({ level: 'info', service: 'order-link', msg: 'payment requested', status: 'ok' }),
  'ids and a 13-digit timestamp': JSON.stringify({
    level: 'info',
    time: '2026-11-26T18:44:54.123Z',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    orderId: 'ord-20261126-000123',
    at: 1732643094123,
    msg: 'authorised',
  }),
  'grouped digits, not Luhn': JSON.stringify({ msg: 'ref 1234 5678 9012 3456 and 1111-2222-3333-4445' }),
};

const rows: Array<[string, string]> = [];
for (const [name, line] of Object.entries(lines)) {
  rows.push([
    `maskPans, ${name} (${line.length} chars)`,
    `${fmt(opsPerSecond(() => maskPans(line)) / 1e6, 2)} M lines/s`,
  ]);
}

const record = { orderId: 'ord-20261126-000123', amount: 1250, currency: 'GBP', attempt: 1 };
const ours = createLogger({ service: 'bench', level: 'info', destination: nullStream() });
const bare = pino({ level: 'info' }, nullStream());
const oursRate = opsPerSecond((i) => ours.info({ ...record, attempt: i }, 'payment authorised'));
const bareRate = opsPerSecond((i) => bare.info({ ...record, attempt: i }, 'payment authorised'));
rows.push(['@ivr/logging (censor + trace mixin + mask)', `${fmt(oursRate / 1000)} k lines/s`]);
rows.push(['bare pino, same record', `${fmt(bareRate / 1000)} k lines/s`]);
rows.push(['@ivr/logging / bare pino', fmt(oursRate / bareRate, 2)]);

printTable(`Logging cost (${DURATION_MS} ms per figure, node ${process.version})`, rows);
