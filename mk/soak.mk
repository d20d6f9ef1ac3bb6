# The system run, the soak and their plot (docs/img/system-bench.png), figures in .var/bench/*.json.
# The soak (10 minutes by default) is not in `make bench`: run it on its own.
.PHONY: bench-system soak bench-plot
BENCH_TARGETS += bench-system

bench-system: up-infra build ## raw PostgreSQL/Kafka/SIP ceilings, then payments/s at steady call rates by SIPp (its CPU apart), calls held, last key → result p50/p99 (~6 min)
	tsx bench/system.ts

soak: up-infra build ## SOAK_MINUTES (10) of SOAK_RATE (3) calls/s after SOAK_WARMUP_S (180); memory per service sampled; PASS if growth < 5 %
	tsx bench/soak.ts

bench-plot: ## render docs/img/system-bench.png from the newest .var/bench figures
	tsx bench/plot.ts
