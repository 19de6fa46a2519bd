#!/usr/bin/env bash
# Builds and runs the whole test suite: a Release build with every test, then the loaders and the engine
# again under AddressSanitizer + UndefinedBehaviorSanitizer in a Debug build. GPU tests skip with a printed
# reason when no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="$(nproc)"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300

cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOEPLAN_SANITIZE=ON \
  -DMOEPLAN_ENABLE_BENCHMARKS=OFF -DMOEPLAN_ENABLE_CUDA=OFF
cmake --build build-sanitize --target sanitize_tests -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize -L sanitize --output-on-failure -j"$jobs" --timeout 300
