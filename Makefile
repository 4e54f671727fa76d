# The README's commands: serve, test, and bench (performance). Each installs whatever is missing
# first (scripts/setup.sh).
.PHONY: serve test setup bench
serve:
	bash scripts/serve.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
bench:
	bash scripts/bench.sh
