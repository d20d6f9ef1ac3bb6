# The system run, the soak and their plots (docs/img/system-bench.png, docs/img/soak-bench.png), figures in .var/bench/*.json.
# The soak (10 minutes by default) is not in `make bench`: run it on its own.
.PHONY: bench-system soak bench-plot
BENCH_TARGETS += bench-system

bench-system: up-infra build ## raw PostgreSQL/Kafka/SIP ceilings, then payments/s at steady call rates by SIPp (its CPU apart), calls held, last key → result p50/p99 (~6 min)
	tsx bench/system.ts

# Not in `make bench` (two whole systems, ~6 min): run it where replicas are the question.
.PHONY: bench-replicas
bench-replicas: up-infra build ## the whole system with 1 and BENCH_REPLICAS (2) processes of every service, alternating for BENCH_REPLICAS_ROUNDS (2), same rates (BENCH_REPLICAS_RATES 10,20): payments/s, CPU per payment, load average side by side (~12 min)
	tsx bench/replicas.ts

soak: up-infra build ## SOAK_MINUTES (10) of SOAK_RATE (3) calls/s after SOAK_WARMUP_S (180); memory per service sampled; PASS if growth < 5 %
	tsx bench/soak.ts

bench-plot: ## render docs/img/system-bench.png and soak-bench.png from the newest .var/bench figures
	tsx bench/plot.ts
