# SIP area: signalling capacity of call-control's user agent (no dialogue, no media).
.PHONY: bench-sip
BENCH_TARGETS += bench-sip

bench-sip: setup ## SIP call setups/s, setup latency p50/p99, concurrent calls held, parser messages/s
	tsx bench/sip.ts
