#!/bin/bash
# What a user of Debian 13's own rxe (kernel 6.12, no ODP code) sees: the
# device advertises no ODP (no ODP_SUPPORT, nothing per transport), an ODP
# registration is refused with EOPNOTSUPP while a pinned one on the same
# protection domain works, and ibv_rc_pingpong -o refuses to run. Our rxe
# on the same kernel runs every ODP test instead.
# topology: loopback
# rxe: stock
# distro: trixie
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_caps" --json -d "$IB_ODP_DEV" > "$TEST_OUT/caps.json"
check_json "$TEST_OUT/caps.json" \
	'd[0]["odp"]["supported"] is False' 'd[0]["odp"]["implicit"] is False' \
	'd[0]["odp"]["rc"] == "" and d[0]["odp"]["ud"] == ""'
ibv_devinfo -v -d "$IB_ODP_DEV" > "$TEST_OUT/devinfo.txt"
grep -q 'general_odp_caps' "$TEST_OUT/devinfo.txt" ||
	fail "ibv_devinfo -v printed no general_odp_caps"
! grep -q 'ODP_SUPPORT' "$TEST_OUT/devinfo.txt" ||
	fail "stock rxe on $(uname -r) advertises ODP_SUPPORT"

# Registration through Debian's pyverbs: the errno comes from the kernel.
python3 - "$IB_ODP_DEV" <<'PY' || fail "ODP registration was not refused as expected"
import errno, sys
import pyverbs.enums as e
from pyverbs.device import Context
from pyverbs.mr import MR
from pyverbs.pd import PD
from pyverbs.pyverbs_error import PyverbsRDMAError

with Context(name=sys.argv[1]) as ctx, PD(ctx) as pd:
    with MR(pd, 4096, e.IBV_ACCESS_LOCAL_WRITE):
        pass
    try:
        MR(pd, 4096, e.IBV_ACCESS_LOCAL_WRITE | e.IBV_ACCESS_ON_DEMAND).close()
    except PyverbsRDMAError as err:
        print("ODP registration refused:", err)
        assert err.error_code == errno.EOPNOTSUPP, err.error_code
    else:
        raise AssertionError("ODP registration accepted")
PY

if ibv_rc_pingpong -d "$IB_ODP_DEV" -g "$GID" -o -p 18790 \
	> "$TEST_OUT/pingpong.log" 2>&1; then
	fail "ibv_rc_pingpong -o ran on a device without ODP"
fi
grep -q "isn't ODP capable" "$TEST_OUT/pingpong.log" ||
	fail "ibv_rc_pingpong -o: $(tail -n 1 "$TEST_OUT/pingpong.log")"
