#!/usr/bin/env bash
# Installs what the tests need and runs every test. `.ci/run` calls exactly this.
# As root on Debian. With CI=true, privileged and end-to-end tests fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq iproute2 nftables openssh-server openssh-client iputils-ping socat \
    python3 python3-jsonschema python3-yaml procps util-linux >/dev/null
fi

dotnet build NetPlan.sln -c Release -v quiet -nologo
passed=0; failed=0; skipped=0; status=0
for project in tests/*/*.Tests.csproj; do
  log=$(mktemp)
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=1
  # vstest prints "Failed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12" (or "Passed!  - ...").
  summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | tail -1 || true)
  if [ -z "$summary" ]; then echo "no test summary from $project"; status=1; fi
  passed=$((passed + $(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary" | tail -1 || echo 0)))
  failed=$((failed + $(sed -nE 's/.*Failed: *([0-9]+),.*/\1/p' <<<"$summary" | tail -1 || echo 0)))
  skipped=$((skipped + $(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$summary" | tail -1 || echo 0)))
  rm -f "$log"
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] || status=1
exit $status
