#!/bin/bash
# The library example with explicit ODP memory, one packet (1 KiB at a page start).
# needs: odp
. "$(dirname "$0")/../lib.sh"

run_example 18721 --mr odp -s 1024
