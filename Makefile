# The front door. `make test` and `make demo` work on a fresh machine of this kind (they run setup).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Node.js as pinned in .node-version: `make setup` (scripts/node.sh) installs it under this folder when
# the machine's is older; every recipe then runs with it (npm ci, jest, tsx, builds, the services).
# scripts/lib.sh computes the same folder for scripts run on their own.
export IVR_NODE_HOME ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ivr-node/$(shell cat .node-version)
export PATH := $(CURDIR)/node_modules/.bin:$(IVR_NODE_HOME)/bin:$(PATH)

# Areas add their own targets in mk/*.mk, and extend these lists:
#   TEST_TARGETS  run by `make test` after the jest tiers (e.g. chart checks)
#   BENCH_TARGETS run by `make bench`
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: help setup proto build up-infra up down demo test test-unit test-int test-e2e check typecheck lint bench clean status

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

setup: ## install everything this machine needs (idempotent, cached)
	scripts/setup.sh

proto: ## lint the contracts and generate TypeScript from proto/
	scripts/proto.sh generate

build: setup ## bundle every service into services/*/dist
	node scripts/build-services.mjs

up-infra: setup ## start PostgreSQL, Kafka and stripe-mock, create databases and topics
	scripts/postgres.sh start
	scripts/kafka.sh start
	scripts/stripe-mock.sh start
	scripts/env.sh
	KAFKA_BROKERS=127.0.0.1:$${IVR_KAFKA_PORT:-59092} tsx scripts/create-topics.ts

up: up-infra build ## start the infrastructure and every service
	scripts/services.sh start

down: ## stop every service and the infrastructure this checkout started
	-scripts/services.sh stop
	-scripts/kamailio.sh stop
	-scripts/stripe-mock.sh stop
	-scripts/kafka.sh stop
	-scripts/postgres.sh stop

status: ## what is running
	-scripts/postgres.sh status
	-scripts/kafka.sh status
	-scripts/kamailio.sh status
	-scripts/services.sh status

demo: up ## run the product and one complete payment through it (PSP=gmo-pg: the merchant pays with GMO-PG)
	DEMO_PSP=$(PSP) tsx scripts/demo.ts

typecheck: ## tsc over every package and service
	tsc -p tsconfig.json --noEmit

lint: ## biome lint + format check
	biome check .

check: typecheck lint

test-unit: setup ## pure tests, no infrastructure
	jest --selectProjects unit --json --outputFile=.var/test-results/unit.json

test-int: up-infra ## integration tests against real Kafka and PostgreSQL
	jest --selectProjects int --runInBand --passWithNoTests --json --outputFile=.var/test-results/int.json

test-e2e: up-infra build ## services on real infrastructure
	jest --selectProjects e2e --runInBand --passWithNoTests --json --outputFile=.var/test-results/e2e.json

test: setup ## everything CI runs: checks, unit, integration, e2e, and each area's extra checks
	rm -rf .var/test-results && mkdir -p .var/test-results
	$(MAKE) check
	$(MAKE) test-unit
	$(MAKE) test-int
	$(MAKE) test-e2e
	$(if $(strip $(TEST_TARGETS)),$(MAKE) $(TEST_TARGETS))
	scripts/proto.sh breaking
	node scripts/test-summary.mjs

bench: $(BENCH_TARGETS) ## every benchmark

clean: down ## stop everything and remove .var (data, logs, certificates)
	rm -rf .var services/*/dist
