#!/usr/bin/env bash
# Installs what the tests need and runs every test. `.ci/run` calls exactly this.
# As root on Debian. With CI=true, privileged and end-to-end tests fail instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # gcc and zlib1g-dev: the native (ahead-of-time) publish links with them.
  apt-get install -y -qq iproute2 nftables openssh-server openssh-client iputils-ping socat \
    python3 python3-jsonschema python3-yaml procps util-linux gcc zlib1g-dev >/dev/null
fi

dotnet build NetPlan.sln -c Release -v quiet -nologo
# The end-to-end tests run the binaries a user gets: netplan and netplan-agent, ahead-of-time compiled.
publish=$(mktemp -d)
trap 'rm -rf "$publish"' EXIT
dotnet publish src/NetPlan.Cli -c Release -o "$publish" -v quiet -nologo
export NETPLAN_PUBLISH_DIR="$publish"
passed=0; failed=0; skipped=0; status=0
results=$(mktemp -d)
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
  # The TRX counters are the runner's own totals; a project that produced none ran no test.
  counters=$(grep -o '<Counters [^>]*>' "$results/$name.trx" 2>/dev/null || true)
  if [ -z "$counters" ]; then echo "no test results from $project"; status=1; continue; fi
  count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count total) - $(count executed)))
done
rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ] || status=1
exit $status
