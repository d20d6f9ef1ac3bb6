# Bad input: property-based fuzzing of the parsers (fast-check), an OpenAPI fuzzer (schemathesis, PyPI,
# pinned in tools/fuzz/requirements.txt, cached under ~/.cache/ivr-fuzz) against a real order-link, and
# malformed gRPC messages to every gRPC service. Every run is bounded in cases and in time.
# `make fuzz` runs long; `make fuzz-smoke` (part of `make test`) runs a few thousand cases per part.
.PHONY: fuzz fuzz-smoke fuzz-parsers fuzz-api fuzz-grpc

TEST_TARGETS += fuzz-smoke

FUZZ_RUNS ?= 20000
FUZZ_SECONDS ?= 120

fuzz: up-infra build ## long fuzz run: parsers, REST API (schemathesis), malformed gRPC; prints cases, crashes, 5xx
	tsx tools/fuzz/src/parsers.ts --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS)
	tsx tools/fuzz/src/openapi.ts --max-examples 100 --seconds 600
	tsx tools/fuzz/src/grpc-garbage.ts --cases 3000 --seconds 300

fuzz-smoke: up-infra build ## short fuzz run for make test (under a minute per part)
	tsx tools/fuzz/src/parsers.ts --runs 300 --seconds 5
	tsx tools/fuzz/src/openapi.ts --max-examples 5 --seconds 45
	tsx tools/fuzz/src/grpc-garbage.ts --cases 300 --seconds 30

fuzz-parsers: ## only the parsers
	tsx tools/fuzz/src/parsers.ts --runs $(FUZZ_RUNS) --seconds $(FUZZ_SECONDS)

fuzz-api: up-infra build ## only the REST API (schemathesis against a real order-link)
	tsx tools/fuzz/src/openapi.ts --max-examples 100 --seconds 600

fuzz-grpc: up-infra build ## only the malformed gRPC messages
	tsx tools/fuzz/src/grpc-garbage.ts --cases 3000 --seconds 300
