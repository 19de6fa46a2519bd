#!/usr/bin/env bash
# The options every scenario command shares, checked on the whole process: --seed N is --set seed=N (an
# explicit --set wins, a bad value is a located user error), --quiet silences the sweep progress bar, and
# --version names the catalog and profiles directories the commands use.
# Usage: common_flags_test.sh path/to/moeplan   (run from the repository root)
set -euo pipefail
bin="$(realpath "$1")"
repo="$(pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }

# --seed on run: the result records the seed it ran with.
seed="$("$bin" run scenarios/small-dense.yaml --fidelity analytic --seed 7 --format json | json_get inputs.seed)"
[[ "$seed" == 7 ]] || fail "run --seed 7 recorded seed $seed"
seed="$("$bin" run scenarios/small-dense.yaml --fidelity analytic --seed 7 --set seed=9 --format json | json_get inputs.seed)"
[[ "$seed" == 9 ]] || fail "--set seed=9 after --seed 7 recorded seed $seed (an explicit --set must win)"
set +e
"$bin" run scenarios/small-dense.yaml --fidelity analytic --seed -1 >/dev/null 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "--seed -1 exited $rc, expected 2"
grep -q '`seed`: seed must be >= 0' "$tmp/err" || fail "--seed -1 message: $(cat "$tmp/err")"
# The other scenario commands take it too.
"$bin" memory scenarios/small-dense.yaml --seed 3 >/dev/null || fail "memory --seed"
"$bin" plan scenarios/small-dense.yaml --seed 3 --top 1 --des 1 >/dev/null || fail "plan --seed"
seed="$("$bin" serve scenarios/deepseek-v3-serving-h800.yaml --seed 5 --set duration=60s --set warmup=5s \
        --format json | json_get inputs.seed)"
[[ "$seed" == 5 ]] || fail "serve --seed 5 ran with seed $seed"
echo "ok: --seed"

# --quiet: a sweep draws its progress bar on stderr unless asked not to; results still go to stdout.
cp scenarios/small-dense.yaml "$tmp/sweep.yaml"
printf 'fidelity: analytic\nsweep:\n  parallel.micro_batch: [1, 2]\n' >>"$tmp/sweep.yaml"
"$bin" sweep "$tmp/sweep.yaml" -j 1 --db "$tmp/loud.sqlite" >"$tmp/out" 2>"$tmp/err"
grep -q 'ETA' "$tmp/err" || fail "sweep without --quiet drew no progress bar"
for flag in --quiet -q; do
  rm -f "$tmp/quiet.sqlite"
  "$bin" sweep "$tmp/sweep.yaml" -j 1 --db "$tmp/quiet.sqlite" --seed 2 "$flag" >"$tmp/out" 2>"$tmp/err"
  [[ ! -s "$tmp/err" ]] || fail "sweep $flag wrote to stderr: $(cat "$tmp/err")"
  grep -q '2 points, 2 computed now, 0 errors' "$tmp/out" || fail "sweep $flag printed no results"
done
"$bin" run scenarios/small-dense.yaml --fidelity analytic --quiet >/dev/null 2>"$tmp/err"
[[ ! -s "$tmp/err" ]] || fail "run --quiet wrote to stderr"
echo "ok: --quiet"

# --version, from an unrelated directory: the version and two existing data directories.
(cd / && "$bin" --version) >"$tmp/version"
cat "$tmp/version"
head -1 "$tmp/version" | grep -Eq '^moeplan [0-9]+\.[0-9]+' || fail "no version line"
catalog="$(sed -n 's/^catalog: *//p' "$tmp/version")"
profiles="$(sed -n 's/^profiles: *//p' "$tmp/version")"
[[ -f "$catalog/gpus.yaml" ]] || fail "catalog line '$catalog' is not a catalog"
[[ -n "$(ls "$profiles"/*.yaml 2>/dev/null)" ]] || fail "profiles line '$profiles' holds no profile"
# The lookup's first choice ($MOEPLAN_CATALOG / $MOEPLAN_PROFILES) and the command-line options show through.
cp -r "$repo/scenarios/catalog" "$tmp/catalog-copy"
# (Outputs go to files first: a reader that stops early would end moeplan with SIGPIPE under pipefail.)
MOEPLAN_CATALOG="$tmp/catalog-copy" "$bin" --version >"$tmp/v-env"
grep -qx "catalog:  $tmp/catalog-copy" "$tmp/v-env" || fail "\$MOEPLAN_CATALOG not shown"
"$bin" --profiles "$tmp/p" --version >"$tmp/v-opt"
grep -qx "profiles: $tmp/p (given on the command line)" "$tmp/v-opt" || fail "--profiles not shown"
MOEPLAN_CATALOG=/nonexistent MOEPLAN_PROFILES=/nonexistent "$bin" --version >/dev/null || fail "--version failed"
echo "ok: --version"
