# call-control's dialogue and the end-to-end payment calls.
.PHONY: test-calls

test-calls: up-infra build ## the payment calls with real phones (test/e2e/payment-call.e2e.test.ts)
	jest test/e2e/payment-call.e2e.test.ts --selectProjects e2e --runInBand
