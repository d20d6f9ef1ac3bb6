# Bad input: property-based fuzzing of the parsers (fast-check), an OpenAPI fuzzer (schemathesis, PyPI,
# pinned in tools/fuzz/requirements.txt, cached under ~/.cache/ivr-fuzz) against a real order-link, and
# malformed gRPC messages to every gRPC service. Every run is bounded in cases and in time.
# `make fuzz` runs long; `make fuzz-smoke` (part of `make test`) runs a few thousand cases per part.
.PHONY: fuzz fuzz-smoke fuzz-parsers fuzz-api fuzz-grpc

TEST_TARGETS += fuzz-smoke

FUZZ_RUNS ?= 20000
FUZZ_SECONDS ?= 120

fuzz: ## long fuzz run: parsers, REST API (schemathesis), malformed gRPC; prints cases, crashes, 5xx
	tsx tools/fuzz/src/parsers.ts --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS)
	$(MAKE) build
	tools/fuzz/fuzz-api.sh --max-examples 200 --seconds 600
	tsx tools/fuzz/src/grpc-garbage.ts --cases 3000 --seconds 300

fuzz-smoke: ## short fuzz run for make test (under a minute per part)
	tsx tools/fuzz/src/parsers.ts --runs 300 --seconds 5
	tools/fuzz/fuzz-api.sh --max-examples 10 --seconds 120
	tsx tools/fuzz/src/grpc-garbage.ts --cases 200 --seconds 60

fuzz-parsers: ## only the parsers
	tsx tools/fuzz/src/parsers.ts --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS)
