# shellcheck shell=bash
# The VM's initramfs: static busybox, our init, and the modules needed to
# mount the image (9p over virtio, overlayfs), decompressed for busybox
# insmod. Source it after common.sh; tests/host/test_initrd.py checks it.

# make_initrd MODDIR: print the path of the initramfs for the kernel whose
# modules are in MODDIR (lib/modules/RELEASE), building it if needed.
# Cached under $IB_ODP_CACHE/vm by the hash of its inputs, the modules'
# contents included: a rebuilt kernel keeps its release string, and a stale
# module of the same name fails at insmod ("section size must match").
make_initrd() {
	local mods=$1 key out tmp path ko paths
	paths=$(module_load_order "$mods" 9pnet_virtio 9p overlay)
	key=$( (cat "$IB_ODP_ROOT/tools/vm/guest/init" "${BASH_SOURCE[0]}"
		echo "$mods"
		for path in $paths; do echo "$path"; cat "$mods/$path"; done) |
	       sha256sum | cut -c1-16)
	out=$IB_ODP_CACHE/vm/initrd-$key.cpio.gz
	if [ -s "$out" ]; then echo "$out"; return; fi
	mkdir -p "$IB_ODP_CACHE/vm"
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$tmp/bin/busybox"
	install -m 0755 "$IB_ODP_ROOT/tools/vm/guest/init" "$tmp/init"
	for path in $paths; do
		ko=$(basename "$path" | sed -E 's/\.(xz|zst|gz)$//')
		case $path in
		*.xz) xz -dc ;;
		*.zst) zstd -qdc ;;
		*.gz) gzip -dc ;;
		*) cat ;;
		esac < "$mods/$path" > "$tmp/modules/$ko"
		echo "$ko"
	done > "$tmp/modules.order"
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	echo "$out"
}

# module_load_order MODDIR NAME...: the modules.dep paths of NAME and its
# dependencies, dependencies first; built-in ones are skipped.
module_load_order() {
	local dir=$1 seen=" " out=() name
	shift
	visit() {
		local path deps d
		path=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" "$dir/modules.dep" | cut -d: -f1)
		[ -n "$path" ] || return 0
		case $seen in *" $path "*) return 0 ;; esac
		seen="$seen$path "
		deps=$(grep -E "^$path:" "$dir/modules.dep" | cut -d: -f2)
		for d in $deps; do
			visit "$(basename "$d" | sed -E 's/\.ko(\.[a-z]+)?$//')"
		done
		out+=("$path")
	}
	for name in "$@"; do visit "$name"; done
	printf '%s\n' "${out[@]}"
}
