# The two commands of the README. Both install whatever is missing first (scripts/setup.sh).
.PHONY: serve test setup
serve:
	bash scripts/serve.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
