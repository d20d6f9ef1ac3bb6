# Kubernetes: the Helm chart, k8s/ manifests, the Dockerfile and the auditor's boundary document.
# Tools (helm from the Go module proxy, kubernetes-validate, checkov, hadolint from PyPI) are pinned in
# tools/k8s/ and cached under ~/.cache/ivr-k8s by tools/k8s/install-tools.sh.
# The boundary document's claims and their tests: tools/k8s/src/boundary-claims.ts; boundary-claims runs
# after test-chart in `make test`, over the results of the whole run.
.PHONY: test-chart chart-generate chart-tools boundary-claims

TEST_TARGETS += test-chart boundary-claims

chart-tools: ## install the pinned chart tools (helm, kubernetes-validate, checkov, hadolint), cached
	tools/k8s/install-tools.sh --print-env

test-chart: ## lint, render, validate (strict, offline) and scan the chart; segmentation matrix; docs/pci-boundary.md fresh
	tsx tools/k8s/src/check-chart.ts

chart-generate: ## regenerate docs/pci-boundary.md and k8s/kafka/*.yaml from the chart and topics.ts
	tsx tools/k8s/src/check-chart.ts --write

boundary-claims: ## every claim of docs/pci-boundary.md proved by tests that passed in this run (.var/test-results); evidence in test-artifacts/boundary-claims.json
	tsx tools/k8s/src/check-claims.ts
