# Pushdeck's front door. Both targets install what they need first (see server/scripts/setup.sh).
.PHONY: run test setup bench

## run: build and serve the console at http://127.0.0.1:3000 (SQLite file + bundled TPNS sandbox)
run:
	@server/scripts/run.sh

## test: formatting, clippy (ssr + hydrate), Rust tests on SQLite and PostgreSQL, Playwright
test:
	@server/scripts/test.sh

## setup: only install the toolchain pieces (skips what is already there)
setup:
	@server/scripts/setup.sh

## bench: the benchmarks of BENCHMARKS.md
bench:
	@server/scripts/bench.sh
