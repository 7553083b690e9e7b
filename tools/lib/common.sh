# shellcheck shell=bash
# Shared helpers for the ib_odp host-side tools. Source it; do not run it.

IB_ODP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IB_ODP_CACHE=${IB_ODP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ib_odp}

# The distributions a test image can be built from; the first is the
# default. Each has its own image and build folders, see select_distro.
IB_ODP_DISTROS=(sid trixie)
ib_odp_image_env=${IB_ODP_IMAGE-}
ib_odp_build_env=${IB_ODP_BUILD-}

# select_distro NAME: (returns 2 for an unknown NAME) make NAME's image and build folders current:
# IB_ODP_DISTRO, IB_ODP_IMAGE ($IB_ODP_CACHE/image for sid,
# image-NAME for the others) and IB_ODP_BUILD (build/, build/NAME). Build
# outputs live in the repository (ignored by git) so that the guest, which
# sees the repository at the same absolute path, finds them. IB_ODP_IMAGE
# and IB_ODP_BUILD from the environment override both.
select_distro() {
	local d suffix=
	for d in "${IB_ODP_DISTROS[@]}"; do
		[ "$d" = "$1" ] && break
	done
	if [ "$d" != "$1" ]; then
		printf '%s: unknown distribution %s (supported: %s)\n' \
			"${0##*/}" "'$1'" "${IB_ODP_DISTROS[*]}" >&2
		return 2
	fi
	[ "$1" = "${IB_ODP_DISTROS[0]}" ] || suffix=$1
	IB_ODP_DISTRO=$1
	IB_ODP_IMAGE=${ib_odp_image_env:-$IB_ODP_CACHE/image${suffix:+-$suffix}}
	IB_ODP_BUILD=${ib_odp_build_env:-$IB_ODP_ROOT/build${suffix:+/$suffix}}
}

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
select_distro "${IB_ODP_DISTRO:-${IB_ODP_DISTROS[0]}}" || exit 2

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
