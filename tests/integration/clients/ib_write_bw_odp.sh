#!/bin/bash
# perftest's ib_write_bw on ODP memory (--odp), 200 x 64 KiB.
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_perftest ib_write_bw 18614 '^ *65536 +200 ' -n 200 -s 65536
