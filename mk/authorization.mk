# Authorization service: benchmark through gRPC → event store → outbox → Kafka, PSP simulator at 0 / 200 ms.
.PHONY: bench-authorization
BENCH_TARGETS += bench-authorization

bench-authorization: up-infra ## authorize, capture and refund per second, p50/p99 and CPU per operation per PSP (Stripe-like simulator, GMO-PG simulator, stripe-mock) at 0 ms and 200 ms PSP latency, with the commit and the load average
	tsx bench/authorization.ts
