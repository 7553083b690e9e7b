#!/bin/bash
# checkpatch.pl (from the image kernel's linux-source) on our kernel
# sources and patches: one PASS/FAIL line per file.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tools/lib/common.sh"
checkpatch=$IB_ODP_IMAGE/src/linux/scripts/checkpatch.pl
if ! [ -r "$checkpatch" ]; then
	echo "FAIL  host/checkpatch: $checkpatch missing (tools/image/build)"
	exit 0
fi
cd "$repo" || exit 1
for f in kernel/ib_odp/*.[ch] kernel/ib_odp/rxe/*.[ch]; do
	[ -e "$f" ] || continue
	if out=$(perl "$checkpatch" --no-tree --terse -f "$f" 2>&1) &&
	   ! grep -q -E 'ERROR|WARNING|CHECK' <<<"$out"; then
		echo "PASS  host/checkpatch/$f"
	else
		echo "FAIL  host/checkpatch/$f"
		sed 's/^/      | /' <<<"$out" | head -n 20
	fi
done
