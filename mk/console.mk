# Operator console (services/order-link/console): Vite builds it inside `make build`
# (scripts/build-services.mjs); its browser tests are services/order-link/test/console.e2e.test.ts.
.PHONY: console typecheck-console test-console
TEST_TARGETS += typecheck-console

console: setup ## build the operator console's static assets (services/order-link/console/dist)
	vite build services/order-link/console

typecheck-console: ## tsc over the console's browser code (DOM types, not in the root tsconfig)
	tsc -p services/order-link/console/tsconfig.json

test-console: up-infra build ## the console's browser tests alone (Chromium, real services)
	jest --selectProjects e2e --runInBand --testPathPatterns 'order-link/test/console'
