#!/bin/bash
# install_in_image.sh PACKAGES_DIR KERNELVER: install ib_odp the way a user
# does, chrooted in a throw-away overlay of a test image (tests/host/
# test_packages.py mounts it), for the image's kernel KERNELVER. Debian's
# DKMS postinst builds for every kernel with headers when it runs in a
# chroot (uname -r is the host's), so this is the build a user's apt-get
# install does, with the same compiler, headers and linux-source, only not
# under TCG. Afterwards a guest boots this very root and checks that the
# result loads and works (check_in_guest.sh). Here:
# 1. without the kernel's headers, then without its linux-source: DKMS
#    says what is missing, no module of ours is installed, the kernel's
#    rdma_rxe stays the one modprobe finds;
# 2. apt-get install ./ib-odp-dkms_*.deb: DKMS builds both modules for
#    KERNELVER, dkms status says installed, modinfo finds ours;
# 3. the library packages: a consumer built by find_package(ibodp) and by
#    pkg-config runs.
set -euo pipefail
pkgs=$(cd "$1" && pwd)
kver=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
series=$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"
export DEBIAN_FRONTEND=noninteractive
# Everything the packages depend on is in the image already (dkms,
# linux-headers, linux-source): no network needed.
apt_install() { apt-get install -y -q "$@"; }
dkms_deb=$(echo "$pkgs"/ib-odp-dkms_*.deb)
version=$(dpkg-deb -f "$dkms_deb" Version)

step "no headers: apt-get install ./ib-odp-dkms skips the build"
headers=/lib/modules/$kver/build
mv "$headers" "$headers.hidden"
apt_install "$dkms_deb" > /tmp/no-headers.log 2>&1 ||
	{ cat /tmp/no-headers.log; fail "the install without headers failed (dkms skips the build)"; }
mv "$headers.hidden" "$headers"
# (dkms's words differ as other kernels have headers or not)
grep -Eq "headers for this kernel do not seem to be installed|No kernel headers were found" \
	/tmp/no-headers.log ||
	{ cat /tmp/no-headers.log; fail "dkms did not say that the headers are missing"; }
dkms status -m ib-odp -k "$kver" | grep -q ': installed' &&
	fail "ib-odp installed without headers"
kernel_rxe_is_found "$kver"

step "no linux-source-$series: dkms install fails, naming it"
tarball=$(echo /usr/src/linux-source-"$series".tar.*)
mv "$tarball" /tmp/
rc=0
dkms install -m ib-odp -v "$version" -k "$kver" > /tmp/no-source.log 2>&1 || rc=$?
mv /tmp/"$(basename "$tarball")" "$tarball"
[ $rc -ne 0 ] || fail "dkms install succeeded without linux-source-$series"
find /var/lib/dkms/ib-odp -name make.log -exec cat {} + > /tmp/no-source.make.log
grep -q "ib-odp: no /usr/src/linux-source-$series.tar.\*: install linux-source-$series" \
	/tmp/no-source.make.log ||
	{ cat /tmp/no-source.log; fail "make.log does not name the missing linux-source"; }
kernel_rxe_is_found "$kver"
apt-get remove -y -q ib-odp-dkms > /tmp/remove-unbuilt.log 2>&1 ||
	{ cat /tmp/remove-unbuilt.log; fail "removing the unbuilt package failed"; }
dkms_forgot_ib_odp

start=$(date +%s)
step "apt-get install ./ib-odp-dkms"
apt_install "$dkms_deb"
# DKMS's own log of the build, with dkms-build's progress lines.
find /var/lib/dkms/ib-odp -name make.log -exec grep -h "^ib-odp: \[" {} + || true
dkms status | tee /tmp/dkms.status
grep -q "^ib-odp/[^,]*, $kver, [^:]*: installed" /tmp/dkms.status ||
	fail "dkms status shows no ib-odp installed for $kver"
path=$(modinfo -k "$kver" -n rdma_rxe)
case $path in */updates/dkms/*) ;; *) fail "modprobe would load $path, not ours" ;; esac
echo "apt-get install to installed modules: $(( $(date +%s) - start )) s"

step "apt-get install ./libibodp3 ./libibodp-dev ./ibodp-tools"
apt_install "$pkgs"/libibodp3_*.deb "$pkgs"/libibodp-dev_*.deb "$pkgs"/ibodp-tools_*.deb
[ -e /usr/share/man/man1/ibodp_caps.1.gz ] || fail "no man page for ibodp_caps"
work=$(mktemp -d)
cmake -S "$src/tests/package" -B "$work/cmake" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
# shellcheck disable=SC2046
g++ -std=c++20 -o "$work/consumer-pc" "$src/tests/package/consumer.cpp" \
	$(pkg-config --cflags --libs ibodp)
"$work/consumer-pc"
rm -rf "$work"
step "done"
echo "installed in the image for $kver: bad installs left nothing, DKMS built ours, library consumers built"
