# Authorization service: benchmark through gRPC → event store → outbox → Kafka, PSP simulator at 0 / 200 ms.
.PHONY: bench-authorization
BENCH_TARGETS += bench-authorization

bench-authorization: up-infra ## authorizations/s and p50/p99 at 0 ms and 200 ms simulated PSP latency
	tsx bench/authorization.ts
