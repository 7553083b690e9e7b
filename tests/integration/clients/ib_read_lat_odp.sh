#!/bin/bash
# perftest's ib_read_lat on ODP memory (--odp), 300 iterations.
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_perftest ib_read_lat 18611 '^ *2 +300 ' -n 300
