#!/usr/bin/env bash
# A des-full step whose task graph cannot be allocated is a user error (exit 2) that names the fidelity and
# suggests des, not an internal fault or an abort: DeepSeek-V3-like on 65,536 GPUs
# (bench/scenarios/ds-65536.yaml, ~282 M tasks) under a 6 GB address-space limit.
# Usage: des_full_memory_test.sh path/to/moeplan   (from the repository root)
set -uo pipefail
bin="$1"
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
(ulimit -v 6000000; "$bin" run bench/scenarios/ds-65536.yaml >/dev/null 2>"$err")
rc=$?
cat "$err"
[[ $rc -eq 2 ]] || { echo "FAIL: exit $rc, expected 2" >&2; exit 1; }
grep -q "des-full of 65536 GPUs needs a task graph" "$err" || { echo "FAIL: message does not explain" >&2; exit 1; }
grep -q "use fidelity des" "$err" || { echo "FAIL: no hint" >&2; exit 1; }
