# PSP tooling: stripe-mock (Stripe's mock, for the Stripe connector's tests) and the PSP simulator.
.PHONY: up-psp down-psp psp-simulator

up-psp: ## build (once) and start stripe-mock on 127.0.0.1:12112 (http) / 12113 (https)
	scripts/stripe-mock.sh start

down-psp: ## stop stripe-mock
	scripts/stripe-mock.sh stop

psp-simulator: ## run the PSP simulator in the foreground on 127.0.0.1:12111
	set -a; source tools/psp-simulator/dev.env; set +a; tsx tools/psp-simulator/src/main.ts
