# The card-data leak scan (scripts/pan-scan.ts; what it reads: docs/pci-boundary.md, section 6).
# In `make test` it runs last, over everything the tiers before it left behind.
.PHONY: pan-scan heap-snapshots
TEST_TARGETS += pan-scan

pan-scan: up-infra ## scan every Kafka topic, service table, log, trace, heap snapshot and memory dump for test card numbers (SINCE=<ISO time>, SOURCES=kafka,tables,logs,traces,heaps, PAN_SCAN_SECURITY_CODES=917,846)
	tsx scripts/pan-scan.ts $(if $(SINCE),--since $(SINCE)) $(if $(SOURCES),--sources $(SOURCES))

heap-snapshots: ## heap snapshot and memory dump of each service started by scripts/services.sh but dtmf-vault, into .var/heap (NAMES="order-link notification")
	tsx scripts/heap-snapshot.ts $(NAMES)
