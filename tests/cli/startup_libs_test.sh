#!/usr/bin/env bash
# The plain moeplan binary must not load the CUDA runtime, cuBLASLt, CUPTI, NCCL or an MPI library: ldd
# lists every shared library the loader maps at start-up, directly or through another library.
# `moeplan --version` must answer (exit 0). Usage: startup_libs_test.sh path/to/moeplan
set -euo pipefail
bin="$1"
libs="$(ldd "$bin")"
if grep -Ei 'libcuda|libcublas|libcupti|libnccl|libmpi|libopen-(rte|pal)' <<<"$libs"; then
  echo "FAIL: $bin loads the libraries above at start-up" >&2
  exit 1
fi
echo "start-up libraries of $bin: $(awk '{print $1}' <<<"$libs" | tr '\n' ' ')"
"$bin" --version
