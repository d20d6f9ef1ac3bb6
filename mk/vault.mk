# dtmf-vault: media benchmark and prompt regeneration.
.PHONY: bench-vault vault-prompts
BENCH_TARGETS += bench-vault

bench-vault: setup ## concurrent media sessions on one core: lost digits, playout jitter p50/p99, CPU and memory per session; bridged agent-assisted calls (added delay, tone leaked to operators) beside a plain UDP relay; DTMF masking quality; SRTP cost per packet
	taskset -c 1 tsx bench/vault.ts
	taskset -c 1 tsx bench/vault-bridge.ts
	taskset -c 0 tsx bench/vault-masking.ts
	taskset -c 0 tsx bench/vault-srtp.ts

vault-prompts: ## re-record the vault's prompts (needs espeak-ng, open-jtalk, sox: see services/dtmf-vault/README.md)
	tsx services/dtmf-vault/scripts/make-prompts.ts
