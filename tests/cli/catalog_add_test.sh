#!/usr/bin/env bash
# --catalog-add on the whole process: a user's GPU (on a user's fabric) merged over the shipped catalog is listed
# and usable by name; a bad entry exits 2 with the add-on file, line and key.
# Usage: catalog_add_test.sh path/to/moeplan   (run from the repository root)
set -euo pipefail
bin="$(realpath "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/mine.yaml" <<'YAML'
fabrics:
  our-roce:
    kind: ethernet
    bandwidth: 50 GB/s
    achievable: 42 GB/s
    latency: 3 us
    source: "our nccl-tests, 2026-11"
gpus:
  our-h100:
    display_name: Our power-capped H100
    vendor: nvidia
    arch: hopper
    sms: 132
    fp8: 1700 TFLOPS
    bf16: 850 TFLOPS
    fp32: 60 TFLOPS
    memory: 80 GiB
    memory_bandwidth: 3.35 TB/s
    scale_up: nvlink4
    host_link: pcie5
    tdp: 500 W
    rental: {price: "$1.10/h", date: 2026-11, source: "our internal rate"}
    source: "our measurements"
YAML
"$bin" --catalog-add "$tmp/mine.yaml" catalog gpus >"$tmp/gpus.txt"
grep -q "our-h100" "$tmp/gpus.txt" || fail "catalog gpus does not list the added GPU"
grep -q "h800-sxm" "$tmp/gpus.txt" || fail "the shipped GPUs are gone"
"$bin" --catalog-add "$tmp/mine.yaml" catalog fabrics | grep -q "our-roce" || fail "catalog fabrics misses our-roce"
"$bin" --catalog-add "$tmp/mine.yaml" memory scenarios/small-dense.yaml --gpu our-h100 \
  --set cluster.scale_out=our-roce >/dev/null || fail "memory on the added GPU and fabric"

sed 's/memory: 80 GiB/memory: -80 GiB/' "$tmp/mine.yaml" >"$tmp/bad.yaml"
set +e
"$bin" --catalog-add "$tmp/bad.yaml" catalog gpus >/dev/null 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a bad add-on entry exited $rc, expected 2"
grep -q "$tmp/bad.yaml:17:.*gpus.our-h100.memory" "$tmp/err" || fail "error not located: $(cat "$tmp/err")"
echo "ok: --catalog-add"
