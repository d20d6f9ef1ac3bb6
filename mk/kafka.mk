# Kafka client benchmark: CPU and requests per consumed event through @ivr/kafka's runConsumer.
.PHONY: bench-kafka-consume
BENCH_TARGETS += bench-kafka-consume

bench-kafka-consume: up-infra ## CPU ms and Kafka requests per consumed event (runConsumer vs a bare kafkajs consumer)
	tsx bench/kafka-consume.ts
