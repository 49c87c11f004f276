# Sourced by the other scripts: the environment cargo-leptos gives the compiler, so that plain
# cargo commands (clippy, test) and `cargo leptos build` share build artifacts instead of
# rebuilding each other's, and the npm-installed tools come first on PATH (cargo-leptos takes the
# first tailwindcss / wasm-opt it finds; Debian's wasm-opt 108 breaks hydration).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$root/style/node_modules/.bin:$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export LEPTOS_OUTPUT_NAME=pushdeck
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3000
export LEPTOS_RELOAD_PORT=3001
export LEPTOS_HASH_FILES=false
export LEPTOS_TAILWIND_VERSION=v4.3.5
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-auto}
