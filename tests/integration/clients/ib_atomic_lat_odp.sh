#!/bin/bash
# perftest's ib_atomic_lat on ODP memory (--odp), 300 iterations.
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_perftest ib_atomic_lat 18613 '^ *8 +300 ' -n 300
