#!/bin/bash
# The library example with implicit ODP (one MR over the whole address
# space), 64 KiB (64 packets), plain and with prefetch.
# needs: odp implicit-odp
. "$(dirname "$0")/../lib.sh"

run_example 18726 --mr implicit -s 65536
prefetch=$(if_prefetch --prefetch)
[ -z "$prefetch" ] || run_example 18727 --mr implicit "$prefetch" -s 65536
