# Crash faults under load through the whole real system (test/chaos/, docs/reliability.md).
.PHONY: chaos chaos-smoke
TEST_TARGETS += chaos-smoke

chaos: up-infra build ## kill -9 every service in turn and restart Kafka and PostgreSQL under payment load; prints payments, kills, lost, double charges, stuck (CHAOS_REPLICAS=2: two of every service, each killed apart)
	tsx test/chaos/run-chaos.ts

# One minute of load, or as long as the first round of faults takes (every service killed once,
# Kafka and PostgreSQL restarted once, 3-6 s apart).
chaos-smoke: up-infra build ## the same, short, for make test (about 3 minutes)
	CHAOS_MINUTES=1 CHAOS_GAP_S=3-6 CHAOS_SETTLE_S=240 tsx test/chaos/run-chaos.ts
