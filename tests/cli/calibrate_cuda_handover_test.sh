#!/usr/bin/env bash
# `moeplan calibrate --backend cuda` runs moeplan-full (when it was built) with the same arguments. Without a
# usable CUDA device (or without a CUDA build) the answer is a user error (exit 2) that says why; on a GPU
# machine the command must succeed and write the profile. Usage: calibrate_cuda_handover_test.sh moeplan
set -uo pipefail
bin="$1"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$bin" calibrate --backend cuda --quick --sustain-seconds 0 --out "$out/p.yaml" >"$out/stdout" 2>"$out/stderr"
rc=$?
cat "$out/stdout" "$out/stderr"
if [[ $rc -eq 0 ]]; then
  grep -q "method: measured-cuda" "$out/p.yaml" || { echo "FAIL: profile lacks method: measured-cuda" >&2; exit 1; }
  exit 0
fi
[[ $rc -eq 2 ]] || { echo "FAIL: exit $rc, expected 0 or 2" >&2; exit 1; }
grep -Eq "no usable CUDA device|no CUDA|cuda calibration backend" "$out/stderr" ||
  { echo "FAIL: the error does not say why CUDA calibration cannot run" >&2; exit 1; }
