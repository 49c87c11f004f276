// Prints what the browser downloads for the console — wasm, JS, CSS — raw and brotli-compressed,
// and fails when the whole exceeds the budget of BENCHMARKS.md.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = join(root, "target", "site", "pkg");
const BUDGET_BROTLI = Number(process.env.PUSHDECK_SIZE_BUDGET ?? 200 * 1024);

const rows = [];
for (const name of readdirSync(pkg).sort()) {
  const path = join(pkg, name);
  if (!statSync(path).isFile() || !/\.(wasm|js|css)$/.test(name)) continue;
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  rows.push({ name, raw: raw.length, br });
}
// A build that made no WebAssembly or no JS measures nothing: that is a failure, not a pass.
for (const ext of [".wasm", ".js"]) {
  if (!rows.some((r) => r.name.endsWith(ext))) {
    console.error(`no ${ext} file in ${pkg}: build the site first (cargo leptos build --release)`);
    process.exit(1);
  }
}
// Scripts served from the site's root (public/): downloaded too.
const site = join(root, "target", "site");
for (const name of readdirSync(site).sort()) {
  const path = join(site, name);
  if (!statSync(path).isFile() || !name.endsWith(".js")) continue;
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rows.push({ name, raw: raw.length, br });
}
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
console.log("what the browser downloads (target/site/pkg, and scripts at target/site):");
for (const r of rows) console.log(`  ${r.name.padEnd(22)} raw ${kb(r.raw)}   brotli ${kb(r.br)}`);
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, br: a.br + r.br }), { raw: 0, br: 0 });
console.log(`  ${"total".padEnd(22)} raw ${kb(total.raw)}   brotli ${kb(total.br)}   (budget ${kb(BUDGET_BROTLI).trim()} brotli)`);
if (total.br > BUDGET_BROTLI) {
  console.error(`the console's download is ${kb(total.br).trim()} brotli, over the ${kb(BUDGET_BROTLI).trim()} budget`);
  process.exit(1);
}
