# shellcheck shell=bash
# Shared by the host-side test scripts: set $out (the log folder) and
# $suite (the name under host/) before calling check.

# check NAME CMD...: run CMD with its output in $out/NAME.log and print
# "PASS  host/$suite/NAME", or "FAIL ..." with the log's last lines.
check() {
	local name=$1
	shift
	if "$@" >"$out/$name.log" 2>&1; then
		echo "PASS  host/$suite/$name"
	else
		echo "FAIL  host/$suite/$name"
		sed 's/^/      | /' "$out/$name.log" | tail -n 15
	fi
}
