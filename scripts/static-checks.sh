#!/usr/bin/env bash
# The checks that read the code without running it: `npm run typecheck` (tsc, one core for ~80 s on a
# fresh clone) and `npm run lint` (biome, then the two dependency-cruiser passes, ~55 s on one core),
# side by side on the two cores instead of one after the other: `npm test` runs this before vitest.
# Each check's output is printed whole when it ends, under its name, so the two never interleave;
# the script fails when either fails. (Two background jobs and `wait`: no library needed for that.)
set -uo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

started=$SECONDS
echo "static checks: typecheck and lint side by side"
npm run --silent typecheck >"$out/typecheck" 2>&1 &
typecheck_pid=$!
npm run --silent lint >"$out/lint" 2>&1 &
lint_pid=$!

failed=0
report() {
  local name="$1" pid="$2" rc
  wait "$pid"
  rc=$?
  echo "── $name: $([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)") after $((SECONDS - started)) s"
  cat "$out/$name"
  [ "$rc" -eq 0 ] || failed=1
}
# Lint usually ends first; its report is printed as soon as it ends.
report lint "$lint_pid"
report typecheck "$typecheck_pid"
exit "$failed"
