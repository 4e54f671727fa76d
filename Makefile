# The README's commands: serve, test, and bench (performance); bench-gpu times the WebGPU engine
# natively (scripts/bench_gpu.sh). Each installs whatever is missing first (scripts/setup.sh).
.PHONY: serve test setup bench bench-gpu
serve:
	bash scripts/serve.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
bench:
	bash scripts/bench.sh
bench-gpu:
	bash scripts/bench_gpu.sh
