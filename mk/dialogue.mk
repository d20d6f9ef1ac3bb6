# call-control's dialogue and the end-to-end payment calls.
.PHONY: pan-scan test-calls

pan-scan: up-infra ## scan every Kafka topic, service table and log for test card numbers (PAN_SCAN_SECURITY_CODES=917,846 adds CVVs)
	tsx scripts/pan-scan.ts $(if $(SINCE),--since $(SINCE))

test-calls: up-infra build ## the payment calls with real phones (test/e2e/payment-call.e2e.test.ts)
	jest test/e2e/payment-call.e2e.test.ts --selectProjects e2e --runInBand
