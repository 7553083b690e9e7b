#!/bin/bash
# The library example with explicit ODP memory, 64 KiB (64 packets).
# xfail-stock: stock ODP copy breaks multi-packet transfers
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_example 18722 --mr odp -s 65536
