#!/bin/bash
# A synchronous prefetch (ibv_advise_mr PREFETCH_WRITE with FLUSH) of an
# ODP region four times larger than the memory cgroup of its process, with
# swap on zram, so that reclaim takes earlier pages away while later ones
# are faulted (issue 18: ours used to refill the first chunks for ever and
# ignore SIGKILL). The call must end, with 0 or an errno, and the stream
# after it must land intact; a second run is SIGKILLed while it is inside
# the call and must be gone promptly. Then a remote FLUSH to persistence
# over the whole region must end in bounded time too (ours writes back
# only what is resident and faults nothing in).
# topology: loopback
# The image kernel only: 128 MiB of faults and swap under KASAN would take
# most of the debug stage's time.
# kernel: image
# timeout: 400
# needs: odp prefetch
. "$(dirname "$0")/../lib.sh"

region=128M limit=$(( 32 << 20 ))
cg=/sys/fs/cgroup/prefetch_over_memcg
stream=("$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr odp --prefetch
	--region "$region" -s 1M -n 1)

# The warm VM runs other tests after this one: leave no swap or cgroup.
cleanup() {
	[ -d "$cg" ] && { cat "$cg/cgroup.procs" > /sys/fs/cgroup/cgroup.procs 2>/dev/null; rmdir "$cg"; }
	swapoff /dev/zram0 2>/dev/null
	[ -e /sys/block/zram0/reset ] && echo 1 > /sys/block/zram0/reset
}
trap cleanup EXIT
modprobe zram num_devices=1 || fail "no zram module"
echo 512M > /sys/block/zram0/disksize
mkswap /dev/zram0 > /dev/null || fail "mkswap on zram failed"
swapon /dev/zram0 || fail "swapon zram failed"
grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"
echo "$limit" > "$cg/memory.max"

# in_cgroup CMD...: CMD in the background inside the cgroup; sets $pid.
in_cgroup() {
	bash -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' - "$cg" "$@" &
	pid=$!
}

# gone_within SECONDS PID: whether PID has ended (and been reaped) in time.
gone_within() {
	local deadline=$(( SECONDS + $1 ))
	while kill -0 "$2" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# oom_kills: how many processes the OOM killer has ended in the cgroup.
oom_kills() {
	sed -n 's/^oom_kill //p' "$cg/memory.events"
}

# finished SECONDS WHAT: wait for $pid to end and set $rc to its status; if
# it is still there after SECONDS, SIGKILL it and fail.
finished() {
	if ! gone_within "$1" "$pid"; then
		kill -KILL "$pid"
		gone_within 10 "$pid" || fail "$2 did not end in $1 s, and SIGKILL did not end it"
		fail "$2 did not end in $1 s"
	fi
	rc=0
	wait "$pid" || rc=$?
}

# verdict WHAT JSON ERR PATTERN: what the status $rc of a stream that ended
# says: 0 with every message intact, the OOM killer (since $ooms), or an
# error line of its own matching PATTERN in ERR; anything else fails.
verdict() {
	if [ $rc -eq 0 ]; then
		check_json "$2" 'd["mismatches"] == 0'
		echo "$1 returned 0; the data is intact"
	elif [ $rc -eq 137 ] && [ "$(oom_kills)" -gt "$ooms" ]; then
		echo "$1: the OOM killer ended the process"
	else
		grep -q "$4" "$3" || fail "$1: the stream exited $rc: $(tail -n 5 "$3")"
		echo "$1 failed in bounded time: $(tail -n 1 "$3")"
	fi
}

# 1. Left alone, the call returns: 0 and the data lands, or an errno (or
# the OOM killer ends the process).
ooms=$(oom_kills)
in_cgroup "${stream[@]}" --json "$TEST_OUT/stream.json" 2> "$TEST_OUT/stream.err"
what="a prefetch of $region in a $(( limit >> 20 )) MiB cgroup"
finished 240 "$what"
echo "memory.events: $(tr '\n' ' ' < "$cg/memory.events")"
# Its error line, not the "prefetching" line it prints before the call.
verdict "$what" "$TEST_OUT/stream.json" "$TEST_OUT/stream.err" 'ibv_advise_mr: '

# 2. SIGKILL inside the call ends the process promptly. ibodp_stream says
# when it enters and leaves the call (its kernel stack cannot tell: a task
# that runs in the kernel shows an empty one); the call takes seconds.
in_cgroup "${stream[@]}" > /dev/null 2> "$TEST_OUT/kill.err"
for _ in $(seq 600); do
	grep -q 'prefetching' "$TEST_OUT/kill.err" && break
	kill -0 "$pid" 2>/dev/null || fail "the stream ended before its prefetch: $(cat "$TEST_OUT/kill.err")"
	sleep 0.1
done
# It may have ended (and been reaped) already: stock fails its call fast.
kill -KILL "$pid" 2>/dev/null || true
gone_within 10 "$pid" || fail "SIGKILL during ibv_advise_mr did not end the process in 10 s"
if grep -q 'prefetched\|ibv_advise_mr:' "$TEST_OUT/kill.err"; then
	echo "the second run left ibv_advise_mr before SIGKILL; it ended at once"
else
	echo "SIGKILL inside ibv_advise_mr ended the process at once"
fi

# 3. A remote FLUSH to persistence over the whole region after the stream
# has written 16 random MiB of it: it must complete (or fail with an error
# completion, or meet the OOM killer) in bounded time, and leave the data
# as it was. Ours writes back only what is resident; stock faults the
# whole region in first.
if why=$(missing flush); then
	echo "no FLUSH step: $why"
	exit 0
fi
ooms=$(oom_kills)
in_cgroup "$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr odp --region "$region" \
	-s 1M --random 16 -n 1 --flush --json "$TEST_OUT/flush.json" 2> "$TEST_OUT/flush.err"
what="a FLUSH of $region in a $(( limit >> 20 )) MiB cgroup"
finished 120 "$what"
grep 'flushed' "$TEST_OUT/flush.err" || true
# An error completion of the FLUSH or of the writes before it (stock fails
# a fault that times out) is bounded too.
verdict "$what (or the writes before it)" "$TEST_OUT/flush.json" "$TEST_OUT/flush.err" \
	'^ibodp_stream: [A-Za-z ]*\(RDMA\|wait\)'
