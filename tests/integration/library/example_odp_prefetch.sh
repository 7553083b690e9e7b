#!/bin/bash
# The library example with ODP memory prefetched by ibv_advise_mr before use.
# xfail-stock: stock ODP copy breaks multi-packet transfers
# needs: odp prefetch
. "$(dirname "$0")/../lib.sh"

run_example 18723 --mr odp --prefetch -s 65536
