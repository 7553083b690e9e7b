# shellcheck shell=bash
# Shared helpers for the ib_odp host-side tools. Source it; do not run it.

IB_ODP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IB_ODP_CACHE=${IB_ODP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ib_odp}
IB_ODP_IMAGE=${IB_ODP_IMAGE:-$IB_ODP_CACHE/image}
# Build outputs live in the repository (ignored by git) so that the guest,
# which sees the repository at the same absolute path, finds them.
IB_ODP_BUILD=${IB_ODP_BUILD:-$IB_ODP_ROOT/build}

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Host packages the tools need; installed on first use so that a fresh
# Debian 12 machine needs nothing but this repository.
HOST_PACKAGES=(qemu-system-x86 mmdebstrap busybox-static cpio xz-utils zstd
	       python3-pytest python3-pytest-xdist
	       kmod file)

ensure_host_packages() {
	local missing=() p
	for p in "${HOST_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	log "installing host packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
		die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# The Debian mirror this host already uses, so that no address is hard-coded.
host_debian_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
	      awk '{print $2}' | grep -v -- '-security' | head -n1)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list \
			       /etc/apt/sources.list.d/*.list |
			       awk '{print $2}' | grep -v -- '-security' |
			       head -n1)
	[ -n "$uri" ] || die "no Debian mirror found in /etc/apt sources"
	printf '%s\n' "$uri"
}

# image_var NAME: a value recorded by tools/image/build in image.env.
image_var() {
	local f=$IB_ODP_IMAGE/image.env
	[ -r "$f" ] || die "no test image at $IB_ODP_IMAGE; build it with: tools/image/build"
	# shellcheck disable=SC1090
	(. "$f" && eval "printf '%s\n' \"\${$1}\"")
}

# Directories besides the repository that in_image bind-mounts at their own
# paths (the debug kernel's tree lives in the cache, outside the repo).
IN_IMAGE_BINDS=()

# in_image CMD...: run CMD chrooted in the test image with /proc, /sys and
# /dev mounted (objtool and cmake need them) and the repository (and
# IN_IMAGE_BINDS) bind-mounted at its own absolute path, so paths are the
# same on the host, in the chroot and in the guest. The mounts live in a
# mount namespace of their own: they vanish when CMD ends, and several
# in_image commands can run at once (a debug-kernel build beside the tests).
in_image() {
	local root=$IB_ODP_IMAGE/rootfs
	[ -d "$root/usr" ] || die "no test image at $IB_ODP_IMAGE; build it with: tools/image/build"
	unshare --mount --propagation private -- \
		"$IB_ODP_ROOT/tools/lib/chroot-image" "$root" \
		"$IB_ODP_ROOT" "${IN_IMAGE_BINDS[@]}" -- "$@"
}
