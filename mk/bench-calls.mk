# Complete payment calls through the whole system: a SIP + RTP (RFC 4733) load generator of our own.
.PHONY: bench-calls
BENCH_TARGETS += bench-calls

bench-calls: up-infra build ## payment calls: setups/s ramp, calls held at once, last keypress → result prompt p50/p99
	tsx bench/calls.ts
