#!/usr/bin/env bash
# `make test` (and CI): every check a change must pass, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/../.."
server/scripts/setup.sh
source server/scripts/env.sh
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: the server build (ssr) and every crate under it"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy --workspace --exclude app --all-targets -- -D warnings

step "clippy: the browser build (hydrate, wasm32)"
cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "Rust tests (store suites on SQLite and on PostgreSQL at ${PUSHDECK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres})"
cargo test --workspace --no-fail-fast

step "release build (cargo leptos)"
cargo leptos build --release
node end2end/scripts/size-report.mjs

step "Playwright: JavaScript disabled and hydrated, in Debian chromium"
(cd end2end && npx playwright test)
