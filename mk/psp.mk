# PSP tooling: stripe-mock (Stripe's mock, for the Stripe connector's tests), the PSP simulator (Stripe-compatible)
# and the GMO-PG simulator.
.PHONY: up-psp down-psp psp-simulator gmo-pg-simulator

up-psp: ## build (once) and start stripe-mock on 127.0.0.1:12112 (http) / 12113 (https)
	scripts/stripe-mock.sh start

down-psp: ## stop stripe-mock
	scripts/stripe-mock.sh stop

psp-simulator: ## run the PSP simulator in the foreground on 127.0.0.1:12111
	set -a; source tools/psp-simulator/dev.env; set +a; tsx tools/psp-simulator/src/main.ts

gmo-pg-simulator: ## run the GMO-PG simulator in the foreground on 127.0.0.1:12114
	set -a; source tools/gmo-pg-simulator/dev.env; set +a; tsx tools/gmo-pg-simulator/src/main.ts
