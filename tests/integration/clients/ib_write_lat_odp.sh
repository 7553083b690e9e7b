#!/bin/bash
# perftest's ib_write_lat on ODP memory (--odp), 300 iterations.
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_perftest ib_write_lat 18603 '^ *2 +300 ' -n 300
