#!/bin/bash
# The library example with pinned memory: 64 KiB RDMA WRITE and READ between two processes, verified on both sides.
. "$(dirname "$0")/../lib.sh"

run_example 18720 --mr pinned -s 65536
