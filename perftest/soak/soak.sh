#!/bin/bash
# In the guest (tools/soak): ibodp_soak as server and client for SECONDS
# under memory pressure (swap on zram, both processes in a memory cgroup
# smaller than their buffers) with KSM merging on, then the reports of
# both sides and what the kernel did (swap, KSM, compaction, THP).
# Usage: perftest/soak/soak.sh SECONDS OUT_DIR [SLOTS]
set -euo pipefail
seconds=${1:?seconds}
out=${2:?output directory}
slots=${3:-1024}
mkdir -p "$out"
export TEST_OUT=$out
. "$(dirname "$0")/../../tests/integration/lib.sh"

vmstat() { grep -E "^(pswpin|pswpout|compact_migrate_scanned|thp_collapse_alloc|thp_split_page|pgmigrate_success) " /proc/vmstat | sort; }

# Swap on zram, so that reclaim can take the ODP buffers' pages away.
modprobe zram num_devices=1
echo 1G > /sys/block/zram0/disksize
mkswap /dev/zram0 > /dev/null
swapon /dev/zram0
# KSM merges identical pages of MADV_MERGEABLE memory (the soak's buffers).
echo 1000 > /sys/kernel/mm/ksm/pages_to_scan
echo 20 > /sys/kernel/mm/ksm/sleep_millisecs
echo 1 > /sys/kernel/mm/ksm/run
# Both soak processes in a memory cgroup smaller than their buffers
# (2 x SLOTS x 64 KiB): their pages are swapped out and faulted back.
limit=$(( slots * 64 * 1024 * 3 / 2 ))
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/soak
echo "$limit" > /sys/fs/cgroup/soak/memory.max
echo $$ > /sys/fs/cgroup/soak/cgroup.procs

vmstat > "$out/vmstat.before"
port=18740
( run_pair "$port" \
	"$BIN/perftest/ibodp_soak" -d "$SERVER_DEV" -x "$GID" -p "$port" --slots "$slots" \
	--seconds "$seconds" -- \
	"$BIN/perftest/ibodp_soak" -d "$CLIENT_DEV" -x "$GID" -p "$port" --slots "$slots" \
	--seconds "$seconds" --json "$out/soak.json" "$SERVER_IP" ) || status=$?
vmstat > "$out/vmstat.after"

echo "== client"
cat "$out/client.log"
echo "== server"
cat "$out/server.log"
echo "== kernel activity during the soak (delta)"
join "$out/vmstat.before" "$out/vmstat.after" | awk '{ printf "  %s %d\n", $1, $3 - $2 }'
echo "  memory cgroup: max $(cat /sys/fs/cgroup/soak/memory.max) bytes," \
	"$(grep -E '^(max|oom|oom_kill) ' /sys/fs/cgroup/soak/memory.events | tr '\n' ' ')"
echo "  ksm: pages_shared $(cat /sys/kernel/mm/ksm/pages_shared)," \
	"full_scans $(cat /sys/kernel/mm/ksm/full_scans)"
exit "${status:-0}"
