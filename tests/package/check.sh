#!/bin/bash
# check.sh BUILD_DIR SOURCE_DIR: install ibodp into a scratch prefix, then
# build and run a consumer with find_package(ibodp) and with pkg-config.
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$src/tests/package" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer" >/dev/null
soname=$(find "$prefix" -name 'libibodp.so.3' | head -n1)
[ -n "$soname" ] || { echo "no versioned libibodp.so.3 installed"; exit 1; }
libdir=$(dirname "$soname")
LD_LIBRARY_PATH=$libdir "$prefix/consumer/consumer"
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
g++ -std=c++20 -o "$prefix/consumer-pc" "$src/tests/package/consumer.cpp" \
	$(pkg-config --cflags --libs ibodp)
LD_LIBRARY_PATH=$libdir "$prefix/consumer-pc"
echo "package ok: find_package, pkg-config, versioned soname"
