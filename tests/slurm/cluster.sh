#!/usr/bin/env bash
# A one-node SLURM cluster on this host, for `make test-slurm`.
#
#   tests/slurm/cluster.sh run COMMAND...
#
# installs Debian's slurm-wlm and munge if absent (needs root and apt-get), writes a
# slurm.conf for this host from tests/slurm/slurm.conf.in into a temporary folder, starts
# munged, slurmctld and slurmd in the foreground of background processes, waits until the
# node is idle, runs COMMAND with SLURM_CONF and BRI_CARBON_SLURM_CLUSTER set, and stops the
# three daemons by their process ids (also when COMMAND or the start-up fails).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if [[ "${1:-}" != run || $# -lt 2 ]]; then
    echo "usage: $0 run COMMAND..." >&2
    exit 2
fi
shift

if [[ "$(id -u)" -ne 0 ]]; then
    echo "make test-slurm needs root (it installs and starts SLURM daemons on this host)" >&2
    exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    echo "installing slurm-wlm and munge with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-cache policy slurm-wlm munge
    apt-get install -y -q slurm-wlm munge
fi

state="$(mktemp -d /tmp/bri-carbon-slurm.XXXXXX)"
chmod 0700 "$state"
pids=()

stop_cluster() {
    local status=$?
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ $status -ne 0 ]]; then
        for log in "$state"/slurmctld.out "$state"/slurmd.out "$state"/munged.out; do
            [[ -f "$log" ]] && { echo "== $log (last lines)"; tail -n 30 "$log"; }
        done
    fi
    rm -rf "$state"
    exit "$status"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

node="$(hostname -s)"
# At least 4 CPUs (oversubscribed on small hosts: the test's jobs are tiny).
cpus=$(( $(nproc) > 4 ? $(nproc) : 4 ))
# Leave 1 GiB to the system; the node offers the rest to jobs.
memory_mb=$(( $(free -m | awk '/^Mem:/ {print $2}') - 1024 ))
mkdir -p "$state/munge" "$state/slurmctld" "$state/slurmd"
chmod 0700 "$state/munge"
sed -e "s|@NODE@|$node|g" -e "s|@STATE@|$state|g" -e "s|@CPUS@|$cpus|g" \
    -e "s|@MEMORY_MB@|$memory_mb|g" -e "s|@CTLD_PORT@|$(free_port)|g" \
    -e "s|@SLURMD_PORT@|$(free_port)|g" "$here/slurm.conf.in" > "$state/slurm.conf"
export SLURM_CONF="$state/slurm.conf"
# Inside a job the Snakemake jobstep runs `srun` with every SLURM_* variable but the job id
# removed, so srun would look for /etc/slurm/slurm.conf. A wrapper first on PATH (jobs
# inherit PATH) points it at this cluster's configuration instead of touching /etc.
mkdir -p "$state/bin"
printf '#!/bin/sh\nSLURM_CONF=%s exec %s "$@"\n' "$SLURM_CONF" "$(command -v srun)" \
    > "$state/bin/srun"
chmod 0755 "$state/bin/srun"
export PATH="$state/bin:$PATH"

dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$state/munge/munge.key"
munged --foreground --force --socket="$state/munge/munge.socket" \
    --key-file="$state/munge/munge.key" --log-file="$state/munge/munged.log" \
    --pid-file="$state/munge/munged.pid" --seed-file="$state/munge/munged.seed" \
    >"$state/munged.out" 2>&1 &
pids+=("$!")
for _ in $(seq 50); do
    [[ -S "$state/munge/munge.socket" ]] && break
    sleep 0.1
done

slurmctld -D -i -f "$SLURM_CONF" >"$state/slurmctld.out" 2>&1 &
pids+=("$!")
slurmd -D -f "$SLURM_CONF" >"$state/slurmd.out" 2>&1 &
pids+=("$!")

echo "waiting for node $node to be idle"
for _ in $(seq 60); do
    if sinfo --noheader --nodes="$node" --format=%t 2>/dev/null | grep -qx idle; then
        break
    fi
    sleep 1
done
sinfo
sinfo --noheader --nodes="$node" --format=%t | grep -qx idle || {
    echo "node $node did not become idle" >&2
    exit 1
}

export BRI_CARBON_SLURM_CLUSTER=1
"$@"
