#!/bin/bash
# remove_in_image.sh KERNELVER: apt-get remove ib-odp-dkms in the chroot
# that install_in_image.sh installed it into, after the guest checked the
# install (check_in_guest.sh --removal chroot): DKMS deletes both modules,
# restores the kernel's rdma_rxe and runs depmod, so that modprobe would
# load the kernel's rxe for KERNELVER again. The removal with the device
# in use runs in the guest of one distribution (test_packages.py); here it
# is DKMS's part alone, natively: under TCG its depmod took over a minute.
set -euo pipefail
kver=$1
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"
export DEBIAN_FRONTEND=noninteractive

step "apt-get remove ib-odp-dkms (chroot)"
apt-get remove -y -q ib-odp-dkms
dkms_forgot_ib_odp
# DKMS removes updates/dkms itself once it is empty.
left=
[ ! -d "/lib/modules/$kver/updates/dkms" ] ||
	left=$(find "/lib/modules/$kver/updates/dkms" -name 'ib_odp.ko*' -o -name 'rdma_rxe.ko*')
[ -z "$left" ] || fail "modules of ours left after the removal: $left"
kernel_rxe_is_found "$kver"
step "done"
echo "removed from the image for $kver: the kernel's rdma_rxe is modprobe's again"
