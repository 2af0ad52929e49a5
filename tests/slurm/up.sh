#!/bin/bash
# Brings up a one-node Slurm cluster on this machine (loopback only) for the sweep tests: Debian's slurmctld, slurmd and
# munge, installed when missing, configured for this host's name and cores, started in the background. Safe to run again:
# it leaves a working cluster alone. Needs root (package install, /etc/slurm, daemons).
# Usage: tests/slurm/up.sh            prints "slurm up: NODE (N cpus)" and exits 0 when sbatch works.
set -eu
say() { echo "slurm-up: $*" >&2; }

if sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
  echo "slurm up: $(sinfo -h -o '%N (%c cpus)' | head -1)"; exit 0
fi
if [ "$(id -u)" -ne 0 ]; then say "needs root to install and start Slurm"; exit 3; fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  say "installing slurmctld slurmd munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

node=$(hostname -s)
cpus=$(nproc)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
# a node name that resolves to loopback; the daemons talk over 127.0.0.1 only
getent hosts "$node" >/dev/null || echo "127.0.0.1 $node" >> /etc/hosts
cat > /etc/slurm/slurm.conf <<CONF
# one-node Slurm for Resonance's tests (tests/slurm/up.sh)
ClusterName=resonance
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
chown munge:munge /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
    echo "slurm up: $(sinfo -h -o '%N (%c cpus)' | head -1)"; exit 0
  fi
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1 || true)
  case "$state" in down*|drain*) scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true ;; esac
  sleep 1
done
say "the node did not come up; last lines of the logs:"
tail -5 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
