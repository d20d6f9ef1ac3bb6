# order-link + notification benchmark: REST payment requests/s, authorization event → webhook p50/p99.
.PHONY: bench-orderlink
BENCH_TARGETS += bench-orderlink

bench-orderlink: up-infra ## POST /v1/payments/s with persistence; terminal authorization event → signed webhook p50/p99
	tsx bench/orderlink.ts
