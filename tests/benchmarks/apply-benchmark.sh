#!/usr/bin/env bash
# Issue 4 benchmark: `netplan apply`, no-op `plan` and `destroy` of N sandboxes on one bridge,
# against iproute2 creating the same kernel objects, in the same run, on this machine.
#
#   bash tests/benchmarks/apply-benchmark.sh [N ...]        (as root; default: 200 1000)
#
# Every measurement runs in a fresh throwaway "host" (unshare: new network and mount namespaces,
# private /run/netns and /etc/netns), so nothing touches the machine's own namespaces. Times are
# wall-clock for whole processes (`netplan` CLI start-up included), median of RUNS runs.
# Prints a markdown section; pass --write FILE to replace the section in FILE.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
# Seconds to let a host settle after an apply before the no-op plan is timed: the kernel keeps
# working on links just made for a while (link state events; IPv6 autoconfiguration on links that
# have IPv6, which NetPlan's no longer do), competing with any command run then. The plan made
# right after the apply is timed too, and shown apart.
SETTLE=${SETTLE:-5}
write=""
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --write) write="$2"; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(200 1000)

work=$(mktemp -d /tmp/netplan-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet publish src/NetPlan.Cli -c Release -o "$work/bin" -v quiet -nologo >/dev/null
netplan="$work/bin/netplan"

# Runs a script in a fresh throwaway host and prints the seconds each marked step took.
# The script calls `step NAME` before each timed part; the time between markers is that step's.
in_host() {
  unshare --net --mount --propagation private bash -s "$@" <<'HOST'
set -euo pipefail
mount -t tmpfs bench-run /run; mkdir -p /run/netns /etc/netns; mount -t tmpfs bench-etc /etc/netns
ip link set lo up
last=""; t0=0
step() { local now; now=$(date +%s.%N); if [ -n "$last" ]; then echo "$last $(echo "$now - $t0" | bc)"; fi; last="$1"; t0=$now; }
source "$1"
step end
HOST
}

topology() { # N
  echo "version: 1"; echo "name: bench"; echo "nodes: { local: { connection: local } }"
  echo "networks: { front: { subnet: 10.80.0.0/16 } }"; echo "sandboxes:"
  for i in $(seq 1 "$1"); do echo "  s$i: { node: local, networks: [front] }"; done
}

# The same objects with iproute2: namespaces, bridge + gateway, a veth per sandbox created with its
# peer directly in the sandbox, addresses, loopback up, default routes. One `ip -batch` for the host
# side and one `ip -n NAME -batch` per sandbox (iproute2 has no per-line namespace option).
iproute2_files() { # N DIR
  local n=$1 dir=$2
  {
    echo "link add npb-bench type bridge"; echo "addr add 10.80.0.1/16 dev npb-bench"; echo "link set npb-bench up"
    for i in $(seq 1 "$n"); do
      echo "netns add s$i"
      echo "link add npv-$i type veth peer name eth0 netns s$i"
      echo "link set npv-$i master npb-bench up"
    done
  } > "$dir/host.batch"
  for i in $(seq 1 "$n"); do
    printf 'link set lo up\nlink set eth0 up\naddr add 10.80.%d.%d/16 dev eth0\nroute add default via 10.80.0.1\n' \
      $(( (i + 1) / 256 )) $(( (i + 1) % 256 )) > "$dir/s$i.batch"
  done
  {
    for i in $(seq 1 "$n"); do echo "link del npv-$i"; done
    echo "link del npb-bench"
  } > "$dir/links-one-by-one.batch"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A result
for n in "${sizes[@]}"; do
  dir="$work/n$n"; mkdir -p "$dir"
  topology "$n" > "$dir/topology.yml"
  iproute2_files "$n" "$dir"

  cat > "$dir/iproute2.sh" <<EOF
step iproute2_create
ip -batch "$dir/host.batch"
for i in \$(seq 1 $n); do ip -n s\$i -batch "$dir/s\$i.batch"; done
step iproute2_delete_links_one_by_one
ip -batch "$dir/links-one-by-one.batch"
for i in \$(seq 1 $n); do ip netns del s\$i; done
EOF
  cat > "$dir/netplan.sh" <<EOF
step netplan_apply
"$netplan" apply "$dir/topology.yml" > /dev/null 2>&1
step netplan_plan_right_after_apply
"$netplan" plan --detailed-exitcode "$dir/topology.yml" > /dev/null 2>&1
step settling
sleep $SETTLE
step netplan_noop_plan
"$netplan" plan --detailed-exitcode "$dir/topology.yml" > /dev/null 2>&1
step netplan_destroy
"$netplan" destroy "$dir/topology.yml" > /dev/null 2>&1
EOF
  for run in $(seq 1 "$RUNS"); do
    # Each run starts on a quiet machine: the previous one's deleted namespaces are still being
    # cleaned up by the kernel for a few seconds.
    sleep "$SETTLE"; in_host "$dir/iproute2.sh" >> "$dir/times"
    sleep "$SETTLE"; in_host "$dir/netplan.sh" >> "$dir/times"
  done
  for step in iproute2_create iproute2_delete_links_one_by_one netplan_apply netplan_plan_right_after_apply netplan_noop_plan netplan_destroy; do
    result[$n,$step]=$(awk -v s="$step" '$1 == s {print $2}' "$dir/times" | median)
  done
done

ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
secs() { printf '%.3f s' "$1"; }
# The no-op plan's target is a percentage (under 10% of apply): shown as one, to a tenth.
percent() { printf '%.1f%%' "$(echo "scale=6; 100 * $1 / $2" | bc)"; }
section=$(
  echo "## Planner and local apply (issue 4)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) vCPU, kernel $(uname -r), $(ip -V | sed 's/ip utility, //'); \`bash tests/benchmarks/apply-benchmark.sh\` (as root, in throwaway hosts). Median of $RUNS runs, wall-clock of whole processes: every \`netplan\` figure includes CLI start-up, loading and validating the topology, observing, planning, applying and the verifying re-observation. The no-op plan is timed on a host left to settle for $SETTLE s after the apply (how a drift check meets a host); the one made right after the apply is shown apart: it waits behind the kernel's own work on the links just created. The iproute2 side creates the same links, addresses, routes and namespaces (one \`ip -batch\` for the host plus one \`ip -n NAME -batch\` per sandbox) but writes no per-sandbox hosts/resolv.conf/hostname files, which \`netplan\` also does, and leaves IPv6 on (\`netplan\` turns it off on its links), so the kernel also configures IPv6 on its links during its run."
  echo
  echo "| Sandboxes | iproute2 create | \`netplan apply\` | apply / iproute2 | no-op \`netplan plan\` (settled host) | no-op plan / apply | no-op plan right after the apply | links deleted one at a time (iproute2) | \`netplan destroy\` | one-by-one / destroy |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for n in "${sizes[@]}"; do
    c=${result[$n,iproute2_create]}; a=${result[$n,netplan_apply]}; p=${result[$n,netplan_noop_plan]}; p0=${result[$n,netplan_plan_right_after_apply]}
    d1=${result[$n,iproute2_delete_links_one_by_one]}; d=${result[$n,netplan_destroy]}
    echo "| $n | $(secs "$c") | $(secs "$a") | $(ratio "$a" "$c") | $(secs "$p") | $(percent "$p" "$a") | $(secs "$p0") | $(secs "$d1") | $(secs "$d") | $(ratio "$d1" "$d")× |"
  done
)
echo "$section"
if [ -n "$write" ]; then
  python3 - "$write" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
try: text = open(path).read()
except FileNotFoundError: text = "# Benchmarks\n"
heading = section.split("\n", 1)[0]
pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\Z)", re.S)
text = pattern.sub(lambda m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
fi
