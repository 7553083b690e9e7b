#!/bin/sh
# check_cli.sh help|unknown_flag TOOL NAME: the command-line contract of
# every tool. help: --help prints "Usage: NAME" and exits 0.
# unknown_flag: an unknown flag exits 2.
mode=$1 tool=$2 name=$3
case $mode in
help)
	out=$("$tool" --help) || { echo "$name --help exited $?"; exit 1; }
	printf '%s\n' "$out" | grep -q "^Usage: $name" ||
		{ echo "$name --help does not print 'Usage: $name'"; exit 1; }
	;;
unknown_flag)
	rc=0
	"$tool" --no-such-flag >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || { echo "$name --no-such-flag exited $rc, want 2"; exit 1; }
	;;
*) echo "usage: check_cli.sh help|unknown_flag TOOL NAME" >&2; exit 2 ;;
esac
echo "$name: $mode ok"
