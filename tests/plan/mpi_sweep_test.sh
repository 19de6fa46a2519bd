#!/usr/bin/env bash
# A sweep split across 2 MPI ranks writes every point of the sweep exactly once into one results file:
# running the same sweep again in one process finds all points done and computes none.
# Usage: mpi_sweep_test.sh MOEPLAN MPIRUN   (from the repository root)
set -euo pipefail
moeplan="$1"
mpirun="$2"
scenario="scenarios/sweep-deepseek-pp-ep.yaml"  # 3 x 2 x 2 = 12 points
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Root in containers and CI; --oversubscribe lets 2 ranks run on a machine with fewer free slots.
"$mpirun" --allow-run-as-root --oversubscribe -n 2 "$moeplan" sweep "$scenario" --db "$work/r.db" --quiet \
  --format json > "$work/mpi.json"
"$moeplan" sweep "$scenario" --db "$work/r.db" --quiet --format json > "$work/again.json"

count() {  # count of "key": value pairs at the top level of the JSON, via grep (no jq on minimal hosts)
  grep -o "\"$1\": *[0-9]*" "$2" | head -n 1 | grep -o '[0-9]*$'
}
points_mpi="$(grep -o '"point_id"' "$work/mpi.json" | wc -l)"
points_again="$(grep -o '"point_id"' "$work/again.json" | wc -l)"
computed_again="$(count computed_now "$work/again.json")"
echo "points after the 2-rank sweep: $points_mpi; after the re-run: $points_again; computed by the re-run: $computed_again"
[[ "$points_mpi" -eq 12 && "$points_again" -eq 12 && "$computed_again" -eq 0 ]]
