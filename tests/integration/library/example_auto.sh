#!/bin/bash
# The library example with the automatic policy (ODP where the device supports RC WRITE and READ on it).
# xfail-stock: stock ODP copy breaks multi-packet transfers
. "$(dirname "$0")/../lib.sh"

run_example 18724 --mr auto -s 65536
