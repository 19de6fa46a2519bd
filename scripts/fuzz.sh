#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang under AddressSanitizer + UndefinedBehaviorSanitizer
# and runs each one: first over its seed and regression inputs (tests/fuzz/corpus/<target>), then on new
# inputs for its share of SECONDS (default 60, split evenly). New inputs go to the build folder, never into
# the repository. Exits non-zero on the first crash, leak, sanitizer report or timeout; libFuzzer then
# leaves the input as crash-*/leak-*/timeout-* in the current directory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: scenario hf_config profile sweep units
#   MOEPLAN_FUZZ_BUILD=dir  build folder (default build-fuzz); MOEPLAN_FUZZ_JOBS=n  build jobs
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario hf_config profile sweep units)
build="${MOEPLAN_FUZZ_BUILD:-build-fuzz}"
jobs="${MOEPLAN_FUZZ_JOBS:-$(nproc)}"

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (apt install clang); fuzz targets not run" >&2
  exit 1
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMOEPLAN_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link "${launcher[@]}" \
  -DMOEPLAN_ENABLE_BENCHMARKS=OFF -DMOEPLAN_ENABLE_CUDA=OFF -DMOEPLAN_ENABLE_MPI=OFF >/dev/null
cmake --build "$build" --target fuzz_targets -j"$jobs"

per=$(( seconds / ${#targets[@]} ))
[ "$per" -ge 1 ] || per=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/fuzz_$t"
  seeds="tests/fuzz/corpus/$t"
  work="$build/fuzz-corpus/$t"
  mkdir -p "$work"
  # Every seed and regression input once (-runs=0: no mutations after the initial corpus).
  "$exe" -runs=0 -timeout=10 -rss_limit_mb=2048 "$seeds" 2>"$build/fuzz-$t-replay.log" ||
    { tail -40 "$build/fuzz-$t-replay.log" >&2; echo "fuzz_$t: a corpus input fails" >&2; exit 1; }
  "$exe" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    "$work" "$seeds" 2>"$build/fuzz-$t.log" ||
    { tail -60 "$build/fuzz-$t.log" >&2; echo "fuzz_$t: crash found" >&2; exit 1; }
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz-$t.log" | grep -o '[0-9]*$')
  echo "fuzz_$t: $(ls "$seeds" | wc -l) corpus inputs replayed, ${execs:-?} executions in ${per} s, 0 crashes"
done
