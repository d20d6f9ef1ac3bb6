// Section 6 of docs/pci-boundary.md: the card-data leak scan (scripts/pan-scan.ts), what it reads,
// how to run it here and against a staging cluster, and what it cannot see. Hand-written prose,
// kept here so that the generated document carries it (`make chart-generate`).
export function leakScanSection(): string[] {
  return `## 6. The card-data leak scan

\`scripts/pan-scan.ts\` looks for card numbers and security codes wherever data leaves the vault or
stays in another process. \`make pan-scan\` runs it; \`make test\` runs it last, after the unit,
integration and end-to-end tiers, over everything they left behind; the payment calls with real
phones (\`test/e2e/payment-call.e2e.test.ts\`) run it over what their calls wrote, after heap
snapshots of call-control, order-link, authorization and notification and with the metrics of all five
services (\`ServiceProcess.saveMetrics()\` keeps each \`/metrics\` answer under \`e2e/metrics/\` of the
log directory).
Zero hits or it fails (exit 1; exit 2 when a source cannot be read). It prints what it read per
source (records, rows, files, bytes) and each hit as
\`HIT <source> <where> <pan|security-code> <card masked to BIN6 and last 4>\`: never the number itself.

What it looks for:

- **card numbers**: the published test cards (\`test/fixtures/test-cards.ts\`); the e2e test adds the
  numbers it keys. Each as plain digits; with a space or dash between any digits; hex of the ASCII
  digits; base64 at each of the three byte alignments (so inside any base64 text). In text a number
  must not be part of a longer digit run; in raw memory it may.
- **security codes** (\`--cvv 917,846\` or \`PAN_SCAN_SECURITY_CODES\`; the e2e test passes its own):
  next to a card-ish key (cvc, cvv, csc, security code, card code), as \`=917\` in a form or query
  string, or as a quoted value \`"917"\` (not in heaps, where every short string is quoted).

| source | what is read | local default | pointed elsewhere with |
|---|---|---|---|
| \`kafka\` | key, value and headers of every record of every topic but Kafka's own \`__*\`, from the beginning (or \`SINCE\`) to the end offsets at the start of the scan | \`KAFKA_BROKERS\` from \`.var/env.json\` | \`KAFKA_BROKERS\` (plaintext listener) |
| \`tables\` | every row of every table of each service database, as PostgreSQL's text form of the row (jsonb, bytea as hex) | every \`*_DATABASE_URL\` but \`IVR_TEST_DATABASE_URL\` | \`ORDERLINK_DATABASE_URL\`, \`CALLCONTROL_DATABASE_URL\`, \`AUTHORIZATION_DATABASE_URL\`, \`NOTIFICATION_DATABASE_URL\` |
| \`logs\` | every file under the log directory, as text: service logs, e2e service logs (\`e2e/\`), Kafka and PostgreSQL server logs | \`IVR_LOG_DIR\` (\`.var/logs\`) | \`IVR_LOG_DIR\` (any directory of text dumps) |
| \`traces\` | every file under \`.var/traces\`: one JSON span per line, all five services, the vault included (\`OTEL_TRACES_FILE=.var/traces/<name>.jsonl\`, set by the e2e \`ServiceProcess\` and \`scripts/services.sh\` unless \`OTEL_EXPORTER_OTLP_ENDPOINT\` is set) | \`.var/traces\` | \`PAN_SCAN_TRACE_DIR\` |
| \`heaps\` | \`*.heapsnapshot\`: V8 heap snapshots, every string of the JS heap; \`*.memdump\`: the process's writable memory (V8 heap, malloc arenas, Buffers) without all-zero pages, read as Latin-1 and as UTF-16 | \`.var/heap\` | \`PAN_SCAN_HEAP_DIR\` |

The spans carry nothing card-like by design: gRPC spans (\`@ivr/grpc\`, the vault's only spans) have
\`rpc.system\`, \`rpc.service\`, \`rpc.method\`, \`rpc.grpc.status_code\` and a status message that is the
gRPC status name; Kafka spans (\`@ivr/kafka\`) have the topic, partition, offset, consumer group, event
id and type, and masked error messages; order-link's REST API has HTTP server spans from its own
middleware (\`httpServerSpans\` in \`@ivr/telemetry\`: method, route template, status code; no path,
query, headers or body). Nothing records request or event bodies: the only OpenTelemetry
instrumentation registered is the Node runtime metrics' (event loop, GC, heap), and
\`services/dtmf-vault/test/dependencies.unit.test.ts\` fails if any HTTP, gRPC or other
payload-capturing instrumentation reaches the vault's dependencies or its telemetry.

Heap snapshots: every service but dtmf-vault is started with \`--heapsnapshot-signal=SIGUSR2
--diagnostic-dir=.var/heap/incoming/<name> --heap-snapshot-string-limit=1048576\` (V8 otherwise cuts
strings at 1024 characters in a snapshot); on SIGUSR2 node writes
the snapshot synchronously, and \`scripts/heap-snapshot.ts\` waits until the process has closed the
file and it ends with \`]}\`, renames it to \`.var/heap/<name>-<time>.heapsnapshot\` and writes
\`<name>-<time>.memdump\` from \`/proc/<pid>/mem\` (older ones of the service are removed once they are 30 minutes old). The vault is
never started with the signal and the tool refuses its name: its memory holds the card by design, and
\`services/dtmf-vault/test/memory.int.test.ts\` proves it is wiped after each call.
\`test/pan-scan-heap.int.test.ts\` proves the heap scan finds a card number a throwaway process holds
in a string, a two-byte string, base64 and a Buffer, and finds nothing before it does.

### Running it here

\`\`\`sh
make pan-scan                                   # every source, everything (part of make test)
make pan-scan SINCE=2026-11-26T10:00:00Z        # records and files written since then (tables whole)
make pan-scan SOURCES=logs,traces               # some sources: kafka, tables, logs, traces, heaps
PAN_SCAN_SECURITY_CODES=917,846 make pan-scan   # also these security codes
scripts/services.sh start && <payments> && make heap-snapshots && make pan-scan   # the demo services
\`\`\`

\`make heap-snapshots NAMES="order-link notification"\` snapshots some of the services started by
\`scripts/services.sh\` (default: all but the vault); e2e tests call \`ServiceProcess.heapSnapshot()\`.

### Running it against a staging cluster

Dump each source into a directory on a workstation with \`kubectl\` access, then scan the directory:
the \`logs\` source reads any text file, so a topic or database dump is scanned like a log.

1. **Kafka**: every topic from the beginning, from a broker pod (Strimzi):
   \`kubectl -n <kafka-ns> exec <broker-pod> -- bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 --include '.*' --from-beginning --timeout-ms 60000 --property print.key=true --property print.headers=true > dump/logs/kafka.txt\`
   (or \`KAFKA_BROKERS=<plaintext listener>\` with \`SOURCES=kafka\`, as a user that may describe and read
   every topic and use groups \`pan-scan-*\`).
2. **Databases**: \`kubectl -n <db-ns> port-forward svc/<postgres> 15432:5432\`, then for each service
   database \`pg_dump --data-only postgres://<reader>@127.0.0.1:15432/<db> > dump/logs/<db>.sql\` (bytea
   comes out as hex, which the scan reads), or set the four \`*_DATABASE_URL\` to the forwarded port
   with \`SOURCES=tables\`.
3. **Logs**: \`kubectl -n <ns> logs --all-containers --prefix --since=<window> -l app.kubernetes.io/instance=<release> > dump/logs/pods.log\`,
   and the log store's export for the window (older or rotated logs) into \`dump/logs/\`.
4. **Traces**: in a cluster spans go to \`OTEL_EXPORTER_OTLP_ENDPOINT\`; export the window from the
   tracing backend (or a collector \`file\` exporter) as JSON into \`dump/traces/\`.
5. **Heaps** (never dtmf-vault): the chart does not enable the snapshot signal and the root filesystem
   is read-only, so a staging override for the four other Deployments sets
   \`NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/heap\` and mounts an \`emptyDir\` at
   \`/tmp/heap\`. Then per pod: \`kubectl exec <pod> -- sh -c 'kill -USR2 1'\`, wait until
   \`kubectl exec <pod> -- ls -l /tmp/heap\` shows the size no longer growing (the file ends with \`]}\`),
   \`kubectl cp <ns>/<pod>:/tmp/heap/<file>.heapsnapshot dump/heap/<service>-<pod>.heapsnapshot\`, and
   delete it from the pod. Without the flag node is PID 1 and ignores the signal (\`cat /proc/1/environ\`
   shows whether it is set). Memory dumps need
   ptrace rights, which the pods' security context does not grant: staging gets heap snapshots only.
6. Scan, without \`make\` (which starts the local infrastructure) and without the local addresses of
   \`.var/env.json\`:
   \`IVR_LOG_DIR=dump/logs PAN_SCAN_TRACE_DIR=dump/traces PAN_SCAN_HEAP_DIR=dump/heap npx tsx scripts/pan-scan.ts --no-env-json --sources logs,traces,heaps\`
   (add \`kafka\`/\`tables\` with \`KAFKA_BROKERS\` and the four \`*_DATABASE_URL\` when steps 1 and 2 used
   direct connections).

### What it cannot see

- Card numbers other than the listed test cards (it is a test-data check, not a detector of real
  cards), and forms other than the listed ones: other separators, encryption, compression it does not
  undo, a number split across fields, records or keypress events.
- A heap snapshot holds no Buffer or ArrayBuffer bytes, and cuts strings at 1 MiB here and at 1024
  characters in staging (\`--heap-snapshot-string-limit\` is not allowed in \`NODE_OPTIONS\`; it needs the
  container's command changed); only the memory dump (local runs) sees those. A string built by concatenation is held in pieces until
  something flattens it, in the snapshot and in memory alike. Data already garbage-collected is not in
  a snapshot (a memory dump may still hold the freed bytes).
- The vault's memory (by design; see above), the test runner's own process, the PSP simulator,
  metrics other than those the e2e test saved (\`make pan-scan\` alone does not ask the services), and
  the browser of the operator console.
- Records deleted by Kafka retention or compaction before the scan; deleted row versions and the WAL
  of PostgreSQL; rotated-away log files; spans not exported (sampling, OTLP export failures).
- A security code standing alone (a bare three-digit number is everywhere).
`
    .trimEnd()
    .split('\n');
}
