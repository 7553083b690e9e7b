#!/bin/bash
# perftest's ib_send_lat on ODP memory (--odp), 300 iterations.
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_perftest ib_send_lat 18612 '^ *2 +300 ' -n 300
