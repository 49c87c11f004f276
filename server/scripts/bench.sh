#!/usr/bin/env bash
# `make bench`: the benchmarks of BENCHMARKS.md, release builds, each printing its figures beside
# the baseline it measured in the same run.
# - task_list: the Task List with a million tasks (PUSHDECK_BENCH_TASKS to change the count) on
#   SQLite and on PostgreSQL at PUSHDECK_TEST_POSTGRES_URL (default the local server);
# - sync_staleness: how fresh 10,000 live tasks stay on TPNS's query budget (BENCH_DB=postgres,
#   BENCH_MARGINS=2,0 for the other columns of BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
server/scripts/setup.sh
source server/scripts/env.sh
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Task List with $(printf "%'d" "${PUSHDECK_BENCH_TASKS:-1000000}") tasks (cargo bench -p server --bench task_list)"
cargo bench -p server --bench task_list

step "Task status freshness (cargo bench -p server --bench sync_staleness)"
cargo bench -p server --bench sync_staleness
