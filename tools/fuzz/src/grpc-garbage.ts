/**
 * Malformed gRPC messages to every gRPC service, started here as real processes (the built bundles,
 * `make build`), each over mutual TLS as call-control (order-link lets it use PaymentService too, for
 * the run): order-link, authorization, dtmf-vault.
 * A generic client sends raw bytes as the message body of every method: random bytes, truncated
 * varints, huge length prefixes, wrong wire types, and valid-looking fields with absurd values.
 *
 *   tsx tools/fuzz/src/grpc-garbage.ts [--cases N] [--seconds S] [--seed N]
 *
 * Every call must end with a status: an error (INVALID_ARGUMENT, NOT_FOUND, INTERNAL "Error deserializing
 * request" from grpc-js itself, ...) or OK when the bytes happen to decode into a valid request. A bug is
 * UNKNOWN (a handler threw), no answer within the deadline, or the process exiting. Exits 1 on any bug.
 */
import '../../../scripts/load-env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { freePort } from '@ivr/testkit/ports';
import { ServiceProcess } from '@ivr/testkit/service-process';
import fc from 'fast-check';
import { issueApiKey } from './api-key';
import { parseArgs } from './run-properties';

interface Target {
  service: string;
  methods: { path: string; streaming?: boolean }[];
  env: (grpcPort: number) => Promise<Record<string, string>>;
  credentials: () => grpc.ChannelCredentials;
  /** Sent with every call (order-link's API key), so that the bytes reach the handlers. */
  metadata?: () => grpc.Metadata;
}

const certs = (): string => {
  const dir = process.env.IVR_CERTS_DIR;
  if (!dir) throw new Error('IVR_CERTS_DIR is not set: run make up-infra');
  return dir;
};
/** Every internal gRPC server demands mutual TLS: the fuzzer is call-control, the client each admits. */
const asCallControl = (): grpc.ChannelCredentials =>
  grpc.credentials.createSsl(
    readFileSync(join(certs(), 'ca.crt')),
    readFileSync(join(certs(), 'call-control.key')),
    readFileSync(join(certs(), 'call-control.crt')),
  );
// Nothing listens there: handlers that reach the PSP meet a refused connection, a path worth fuzzing too.
const deadPsp = async () => `http://127.0.0.1:${await freePort()}`;

const targets: Target[] = [
  {
    service: 'order-link',
    methods: [
      ...['CreatePayment', 'GetPayment', 'FindPaymentByOrderId', 'ListPayments', 'CancelPayment'].map((m) => ({
        path: `/ivr.orderlink.v1.PaymentService/${m}`,
      })),
      { path: '/ivr.orderlink.v1.TransferCodeService/ResolveTransferCode' },
    ],
    env: async (grpcPort) => ({
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(await freePort()),
      GRPC_ORDER_SYSTEM_CLIENTS: 'call-control',
    }),
    credentials: () => asCallControl(),
    metadata: () => {
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${issueApiKey(`fuzz-grpc-${Date.now()}`)}`);
      return md;
    },
  },
  {
    service: 'authorization',
    methods: ['Authorize', 'Capture', 'Void', 'GetAuthorization'].map((m) => ({
      path: `/ivr.authorization.v1.AuthorizationService/${m}`,
    })),
    env: async (grpcPort) => ({ GRPC_PORT: String(grpcPort), PSP_URL: await deadPsp() }),
    credentials: () => asCallControl(),
  },
  {
    service: 'dtmf-vault',
    methods: [
      { path: '/ivr.vault.v1.VaultService/OpenMediaSession' },
      { path: '/ivr.vault.v1.VaultService/PlayPrompts' },
      { path: '/ivr.vault.v1.VaultService/CaptureField', streaming: true },
      { path: '/ivr.vault.v1.VaultService/RegisterCard' },
      { path: '/ivr.vault.v1.VaultService/CloseMediaSession' },
    ],
    env: async (grpcPort) => {
      const rtp = 45000 + Math.floor(Math.random() * 40) * 100;
      return {
        GRPC_PORT: String(grpcPort),
        GRPC_HOST: '127.0.0.1',
        RTP_PORT_MIN: String(rtp),
        RTP_PORT_MAX: String(rtp + 99),
        PSP_URL: await deadPsp(),
      };
    },
    credentials: () => asCallControl(),
  },
];

const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
};
const field = fc.integer({ min: 1, max: 20 });

/** Protobuf-shaped damage: each case names what it is, so a failure says which kind of input did it. */
const garbage: fc.Arbitrary<{ kind: string; bytes: Buffer }> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((b) => ({ kind: 'random bytes', bytes: Buffer.from(b) })),
  field.map((f) => ({ kind: 'truncated varint', bytes: Buffer.from([(f << 3) | 0, 0xff, 0xff, 0xff]) })),
  fc.tuple(field, fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1)).map(([f, len]) => ({
    kind: 'huge length prefix',
    bytes: Buffer.from([(f << 3) | 2, ...varint(len), 0x41, 0x42]),
  })),
  fc.tuple(field, fc.constantFrom(0, 1, 3, 4, 5, 6, 7), fc.uint8Array({ maxLength: 12 })).map(([f, wt, rest]) => ({
    kind: `wire type ${wt} on field ${f}`,
    bytes: Buffer.from([(f << 3) | wt, ...rest]),
  })),
  fc.array(fc.tuple(field, fc.string({ unit: 'binary', maxLength: 64 })), { maxLength: 6 }).map((fields) => ({
    kind: 'string fields with any bytes',
    bytes: Buffer.concat(
      fields.map(([f, s]) => {
        const value = Buffer.from(s, 'utf8');
        return Buffer.from([(f << 3) | 2, ...varint(value.length), ...value]);
      }),
    ),
  })),
  fc.array(fc.tuple(field, fc.constantFrom(0, 1, 2 ** 31, 2 ** 53 - 1)), { maxLength: 6 }).map((fields) => ({
    kind: 'varint fields with extreme values',
    bytes: Buffer.from(fields.flatMap(([f, v]) => [(f << 3) | 0, ...varint(v)])),
  })),
);

interface Tally {
  cases: number;
  byCode: Map<string, number>;
  bugs: string[];
}

function call(
  client: grpc.Client,
  method: Target['methods'][number],
  body: Buffer,
  metadata: grpc.Metadata,
): Promise<grpc.StatusObject> {
  const identity = (b: Buffer) => b;
  const deadline = Date.now() + 5_000;
  return new Promise((resolve) => {
    if (method.streaming) {
      const stream = client.makeServerStreamRequest(method.path, identity, identity, body, metadata.clone(), {
        deadline,
      });
      stream.on('data', () => {});
      stream.on('error', () => {});
      stream.on('status', resolve);
    } else {
      const unary = client.makeUnaryRequest(
        method.path,
        identity,
        identity,
        body,
        metadata.clone(),
        { deadline },
        () => {},
      );
      unary.on('status', resolve);
    }
  });
}

async function fuzzTarget(target: Target, cases: number, seconds: number, seed: number): Promise<Tally> {
  const grpcPort = await freePort();
  const proc = await ServiceProcess.start(target.service, { env: await target.env(grpcPort) });
  // The certificates name the service, not the address (ignored on plaintext channels).
  const client = new grpc.Client(`127.0.0.1:${grpcPort}`, target.credentials(), {
    'grpc.ssl_target_name_override': target.service,
  });
  const tally: Tally = { cases: 0, byCode: new Map(), bugs: [] };
  const metadata = target.metadata?.() ?? new grpc.Metadata();
  const stopAt = Date.now() + seconds * 1000;
  const samples = fc.sample(garbage, { numRuns: cases, seed });
  try {
    for (const [i, { kind, bytes }] of samples.entries()) {
      if (Date.now() > stopAt) break;
      const method = target.methods[i % target.methods.length]!;
      const status = await call(client, method, bytes, metadata);
      tally.cases++;
      const code = grpc.status[status.code] ?? String(status.code);
      tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
      const deserializeError = status.code === grpc.status.INTERNAL && status.details.startsWith('Error deserializing');
      const bad =
        status.code === grpc.status.UNKNOWN ||
        status.code === grpc.status.DEADLINE_EXCEEDED ||
        (status.code === grpc.status.INTERNAL && !deserializeError);
      if (bad) tally.bugs.push(`${method.path} ${kind} ${bytes.toString('hex')}: ${code} ${status.details}`);
      if (status.code === grpc.status.UNAVAILABLE) {
        const alive = await fetch(`${proc.adminUrl}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (!alive) {
          tally.bugs.push(`${target.service} died after ${method.path} ${kind} ${bytes.toString('hex')}`);
          break;
        }
      }
    }
    const alive = await fetch(`${proc.adminUrl}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (!alive) tally.bugs.push(`${target.service} is not alive at the end of the run`);
  } finally {
    client.close();
    await proc.stop();
  }
  return tally;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).map((a) => (a === '--cases' ? '--runs' : a));
  const opts = parseArgs(argv, { runs: 1000, seconds: 60 });
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  console.log(`fuzz grpc: ${opts.runs} malformed messages per service, at most ${opts.seconds} s each, seed ${seed}`);
  let cases = 0;
  let bugs = 0;
  for (const target of targets) {
    const t = await fuzzTarget(target, opts.runs, opts.seconds, seed);
    cases += t.cases;
    bugs += t.bugs.length;
    const codes = [...t.byCode].map(([c, n]) => `${c} ${n}`).join(', ');
    console.log(`  ${t.bugs.length === 0 ? 'ok  ' : 'FAIL'} ${target.service}: ${t.cases} cases (${codes})`);
    for (const b of t.bugs.slice(0, 10)) console.log(`       ${b}`);
  }
  console.log(`fuzz grpc: ${cases} cases, ${bugs} crashes or unhandled errors`);
  process.exitCode = bugs === 0 ? 0 : 1;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
