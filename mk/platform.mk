# Shared platform packages (config, logging, telemetry, runtime, grpc): what the log masking costs.
.PHONY: bench-logging
BENCH_TARGETS += bench-logging

bench-logging: setup ## maskPans lines/s, and @ivr/logging lines/s vs bare pino
	tsx bench/logging.ts
