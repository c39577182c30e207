#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# slurm_test.sh PROTMM SCENARIO DOC_SLURM_DIR N: starts a one-node Slurm
# cluster from Debian's packages (munged, slurmctld, slurmd, each with its
# files in a temporary directory and on free ports), runs the sharded
# search of SCENARIO as the job array of doc/slurm/shard.sbatch and the
# merge of doc/slurm/merge.sbatch after it (--dependency=afterok), and
# checks the merged verdict against the search run in one process. Every
# daemon it started is stopped on the way out, whatever happens. Slurm or
# munge missing is a failure: install slurm-wlm and munge.
set -uo pipefail

protmm=$(realpath "$1")
scenario=$(realpath "$2")
recipes=$(realpath "$3")
n=${4:-4}
deadline=${SLURM_TEST_SECONDS:-100}

fail() {
	echo "slurm_test: FAIL: $*" >&2
	exit 1
}

for tool in munged slurmctld slurmd sbatch scontrol sinfo scancel; do
	command -v "$tool" >/dev/null ||
		fail "$tool not found: apt-get install slurm-wlm munge"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/protmm-slurm.XXXXXX")
pids=()

# Stops what this script started (by pid, never by name), then cleans up.
cleanup() {
	local status=$? pid i
	trap - EXIT INT TERM
	if [ -n "${SLURM_CONF:-}" ] && [ -f "$tmp/slurmctld.up" ]; then
		scancel --quiet --user="$(id -un)" >/dev/null 2>&1 || true
	fi
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null && echo "slurm_test: killed $pid" >&2
		wait "$pid" 2>/dev/null
	done
	if [ $status -ne 0 ]; then
		for log in slurmctld.log slurmd.log munged.log out/merge.log out/array-*.log; do
			[ -f "$tmp/$log" ] && { echo "--- $log"; tail -n 20 "$tmp/$log"; } >&2
		done
	fi
	rm -rf "$tmp"
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports for slurmctld and slurmd.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

user=$(id -un)
node=$(hostname -s)
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/out"
chmod 700 "$tmp/munge"

# munged: its own key, socket and files.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --foreground --force --key-file="$tmp/munge/munge.key" \
	--socket="$tmp/munge/munge.sock" --pid-file="$tmp/munge/munged.pid" \
	--log-file="$tmp/munged.log" --seed-file="$tmp/munge/munged.seed" \
	>>"$tmp/munged.log" 2>&1 &
pids+=($!)

cat >"$tmp/slurm.conf" <<CONF
ClusterName=protmmtest
SlurmctldHost=$node
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_min_interval=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=protmm Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf

for i in $(seq 50); do
	[ -S "$tmp/munge/munge.sock" ] && break
	sleep 0.1
done
[ -S "$tmp/munge/munge.sock" ] || fail "munged did not start"

slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
touch "$tmp/slurmctld.up"
slurmd -D -f "$SLURM_CONF" -N "$node" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)

t0=$SECONDS
until [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; do
	[ $((SECONDS - t0)) -lt 30 ] || fail "the node did not come up: $(sinfo 2>&1)"
	sleep 0.5
done
echo "slurm_test: cluster up in $((SECONDS - t0))s ($node, ports $ctld_port $slurmd_port)"

# The search in one process, for reference.
"$protmm" explore "$scenario" --output "$tmp/single.json" >"$tmp/single.txt" ||
	fail "single-process explore: $(cat "$tmp/single.txt")"

# The documented recipe: the array, and the merge after it.
export PROTMM=$protmm
array=$(sbatch --parsable --array=0-$((n - 1)) --chdir="$tmp" \
	--output="$tmp/out/array-%a.log" "$recipes/shard.sbatch" \
	"$scenario" "$n" "$tmp/out") || fail "sbatch of the array"
merge=$(sbatch --parsable --dependency=afterok:"$array" --chdir="$tmp" \
	--output="$tmp/out/merge.log" "$recipes/merge.sbatch" "$tmp/out") ||
	fail "sbatch of the merge"
echo "slurm_test: array job $array, merge job $merge"

state() {
	scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '
}
while :; do
	s=$(state "$merge")
	case $s in
	"COMPLETED ") break ;;
	*FAILED*|*CANCELLED*|*TIMEOUT*|*NODE_FAIL*|*OUT_OF_ME*)
		fail "merge job ended $s (array: $(state "$array"))" ;;
	esac
	[ $((SECONDS - t0)) -lt "$deadline" ] ||
		fail "jobs not done after ${deadline}s: array $(state "$array"), merge $s"
	sleep 0.5
done
[ "$(state "$array")" = "COMPLETED " ] || fail "array job: $(state "$array")"

python3 - "$tmp/single.json" "$tmp/out/merged.json" "$n" <<'PY' || fail "merged verdict differs"
import json, sys
one = json.load(open(sys.argv[1]))
merged = json.load(open(sys.argv[2]))
n = int(sys.argv[3])
bad = []
if merged["shards"] != n:
    bad.append(f"{merged['shards']} shards merged, not {n}")
for k in ("executions", "violations", "deadlocks", "truncated", "steps", "complete"):
    if merged[k] != one[k]:
        bad.append(f"{k}: merged {merged[k]}, one process {one[k]}")
if (merged["violation"] is None) != (one["violation"] is None):
    bad.append("one found a violation, the other not")
elif one["violation"] and merged["violation"]["schedule"] != one["violation"]["schedule"]:
    bad.append("another first violation")
if merged["verdict"] != "as expected":
    bad.append(f"verdict {merged['verdict']}")
print(f"slurm_test: merged {n} shards: {merged['executions']} executions, "
      f"{merged['violations']} violating, complete {merged['complete']}, "
      f"verdict {merged['verdict']}; one process: {one['executions']}")
for b in bad:
    print("slurm_test: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "slurm_test: PASS in $((SECONDS - t0))s"
