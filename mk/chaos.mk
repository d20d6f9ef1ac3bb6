# Crash faults under load through the whole real system (test/chaos/).
.PHONY: chaos

chaos: up-infra build ## kill -9 every service in turn and restart Kafka and PostgreSQL under payment load; prints payments, kills, lost, double charges, stuck
	tsx test/chaos/run-chaos.ts
