#!/usr/bin/env bash
# A relocatable install: `cmake --install` into a temporary prefix gives a binary that runs the README's
# DeepSeek-V3 example from `/` on the data under <prefix>/share/moeplan, never on the source tree it was built
# from. A binary copied alone finds no data (and says how to give it), then finds it through $MOEPLAN_DATA and
# --data-dir.
# Usage: install_test.sh path/to/build   (run from the repository root)
set -euo pipefail
build="$(realpath "$1")"
repo="$(pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/p" >"$tmp/install.log" || fail "cmake --install: $(tail -5 "$tmp/install.log")"
bin="$tmp/p/bin/moeplan"
data="$tmp/p/share/moeplan"
[[ -x "$bin" ]] || fail "no bin/moeplan under the prefix"
[[ -f "$data/scenarios/catalog/gpus.yaml" ]] || fail "no catalog under share/moeplan"
[[ -d "$data/calibrate/profiles" ]] || fail "no profiles under share/moeplan"

cd /
"$bin" --version >"$tmp/version"
grep -q "^catalog:  $data/scenarios/catalog" "$tmp/version" || fail "--version: $(cat "$tmp/version")"
grep -q "^profiles: $data/calibrate/profiles" "$tmp/version" || fail "--version: $(cat "$tmp/version")"
grep -q "$repo" "$tmp/version" && fail "the installed binary uses the source tree: $(cat "$tmp/version")"

# The README example (scripts/setup.sh runs it): the DeepSeek-V3 scenario with a report folder.
"$bin" run "$data/scenarios/deepseek-v3-h800.yaml" -q --report "$tmp/out" >"$tmp/report.txt" ||
  fail "run from / exited $?"
grep -q "^moeplan report: deepseek-v3-h800" "$tmp/report.txt" || fail "run printed: $(head -3 "$tmp/report.txt")"
for f in report.html report.md results.json results.csv trace.json; do
  [[ -s "$tmp/out/$f" ]] || fail "the report folder has no $f"
done
grep -q "$data/calibrate/profiles/h800" "$tmp/out/results.json" || fail "results.json names another profile"
echo "ok: installed binary runs the README example from /"

# A binary copied on its own: no data next to it, and no silent fallback to the source tree.
mkdir "$tmp/lone"
cp "$bin" "$tmp/lone/moeplan"
set +e
MOEPLAN_DATA= "$tmp/lone/moeplan" memory "$data/scenarios/small-dense.yaml" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a lone binary exited $rc (expected 2: no data)"
grep -q "cannot find the catalog" "$tmp/err" && grep -q -- "--data-dir" "$tmp/err" || fail "lone binary: $(cat "$tmp/err")"
MOEPLAN_DATA="$data" "$tmp/lone/moeplan" memory "$data/scenarios/small-dense.yaml" >/dev/null ||
  fail "MOEPLAN_DATA does not find the data"
"$tmp/lone/moeplan" --data-dir "$data" memory "$data/scenarios/small-dense.yaml" >/dev/null ||
  fail "--data-dir does not find the data"
set +e
"$tmp/lone/moeplan" --data-dir "$tmp" memory "$data/scenarios/small-dense.yaml" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q -- "--data-dir" "$tmp/err" || fail "--data-dir without a catalog: rc $rc, $(cat "$tmp/err")"
echo "ok: a copied binary finds its data through MOEPLAN_DATA and --data-dir, never the source tree"
