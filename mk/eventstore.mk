# Foundation benchmark: event store appends, outbox relay throughput and latency vs the raw ceilings.
.PHONY: bench-eventstore
BENCH_TARGETS += bench-eventstore

bench-eventstore: up-infra ## appends/s, outbox→Kafka→consumer p50/p99, vs plain INSERT and Kafka ProducerPerformance
	tsx bench/eventstore.ts
