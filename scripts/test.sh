#!/usr/bin/env bash
# Builds and runs the whole test suite: a Release build with every test, then the loaders, the engine, the
# sweep runner and the command line (with its writers) again under AddressSanitizer +
# UndefinedBehaviorSanitizer in a Debug build, then the libFuzzer targets over their corpora plus a short
# time-boxed run (scripts/fuzz.sh; needs clang). GPU tests skip with a printed
# reason when no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="$(nproc)"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300
# ctest prints a skipped test's output only when asked: show why the GPU tests skipped (or what they ran).
if ctest --test-dir build -N -L gpu | grep -q "Total Tests: [1-9]"; then
  echo "GPU tests (label gpu):"
  ctest --test-dir build -L gpu -V 2>&1 | grep -E "no CUDA device|\[ +(SKIPPED|OK|FAILED) +\] .* \([0-9]+ ms\)" | sort -u || true
fi

cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOEPLAN_SANITIZE=ON \
  -DMOEPLAN_ENABLE_BENCHMARKS=OFF -DMOEPLAN_ENABLE_CUDA=OFF
cmake --build build-sanitize --target sanitize_tests -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize -L sanitize --output-on-failure -j"$jobs" --timeout 300

# Fuzz targets: every corpus input, then MOEPLAN_FUZZ_SECONDS (default 90) of new inputs over all targets.
scripts/fuzz.sh "${MOEPLAN_FUZZ_SECONDS:-90}"
