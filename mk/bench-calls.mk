# Complete payment calls through the whole system, by two load generators side by side: SIPp
# (Debian's sip-tester; scenario bench/sipp/payment-call.xml) and the project's own UAC (bench/calls/).
.PHONY: bench-calls
BENCH_TARGETS += bench-calls

bench-calls: up-infra build ## payment calls by SIPp beside the own UAC: calls/s completed, failed, setup, last key → REFER / result, generator CPU
	tsx bench/calls.ts
