#!/usr/bin/env bash
# One command from a fresh Debian machine to a DeepSeek-V3 report: installs what is missing, builds moeplan
# into build/, and runs the reference scenario, writing the report to out/deepseek-v3-h800/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target moeplan -j"$(nproc)"
build/moeplan run scenarios/deepseek-v3-h800.yaml --report out/deepseek-v3-h800
echo "report written to out/deepseek-v3-h800/report.html"
