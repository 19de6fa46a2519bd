#!/bin/sh
# `moeplan run` on a cluster of mixed GPU pools: the example scenario runs (exit 0) and shows the pools, the
# stages with their layers and the slowest one, in text and JSON; a pool mistake is a located user error (exit
# 2); a pooled stage that does not fit its own GPU is refused naming the pool; the planner refuses pools.
# Usage: mixed_gpus_test.sh MOEPLAN_BINARY (run from the repository root).
set -u
bin=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scn=scenarios/scale-out/mixed-h100-a100.yaml

check() {  # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit $3, expected $2"; fail=1; else echo "ok   $1 (exit $3)"; fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else echo "FAIL $1: '$3' not in:"; cat "$2"; fail=1; fi
}

"$bin" run "$scn" >"$tmp/run.txt" 2>&1
check "mixed example runs" 0 $?
contains "pools table" "$tmp/run.txt" "GPU pools (stages, by speed)"
contains "stages table" "$tmp/run.txt" "Pipeline stages by pool"
contains "slowest flagged" "$tmp/run.txt" "slowest"
contains "pooled price" "$tmp/run.txt" "GPU-weighted mean of the pools"

"$bin" run "$scn" --format json >"$tmp/run.json" 2>&1
check "mixed example as JSON" 0 $?
contains "JSON mixed object" "$tmp/run.json" '"layout": "stages"'

sed 's/      nodes: 4$/      nodes: 3/' "$scn" >"$tmp/bad.yaml"
"$bin" run "$tmp/bad.yaml" >/dev/null 2>"$tmp/bad.err"
check "pools that miss the plan are a user error" 2 $?
contains "located at the parallel key" "$tmp/bad.err" "bad.yaml:"

sed 's/^  pool_layout: stages/  pool_layout: stages\n  bogus: 1/' "$scn" >"$tmp/key.yaml"
"$bin" run "$tmp/key.yaml" >/dev/null 2>"$tmp/key.err"
check "unknown cluster key beside pools" 2 $?
contains "names the key" "$tmp/key.err" "bogus"

"$bin" run "$scn" --set parallel.schedule=dualpipe >/dev/null 2>"$tmp/dual.err"
check "dualpipe on pooled stages" 2 $?
contains "names the schedule" "$tmp/dual.err" "parallel.schedule"

"$bin" plan "$scn" >/dev/null 2>"$tmp/plan.err"
check "plan refuses pools" 2 $?
contains "plan says why" "$tmp/plan.err" "cluster.pools"

exit $fail
