# shellcheck shell=bash
# Helpers of the package test's two halves (install_in_image.sh in the
# chroot, check_in_guest.sh in the guest): sourced, not run.
t0=$(date +%s)
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }

# kernel_rxe_is_found KERNELVER: modprobe rdma_rxe for that kernel would
# load the kernel's own rxe, not ours.
kernel_rxe_is_found() {
	local path
	path=$(modinfo -k "$1" -n rdma_rxe)
	case $path in */updates/*) fail "modprobe would load $path, not the kernel's rxe" ;; esac
}

# dkms_forgot_ib_odp: after apt-get remove, dkms knows no ib-odp at all.
dkms_forgot_ib_odp() {
	[ -z "$(dkms status -m ib-odp)" ] ||
		fail "dkms still knows ib-odp after the removal: $(dkms status -m ib-odp)"
}
