"""The VM's initramfs (tools/lib/initrd.sh): modules in dependency order,
and a new initramfs whenever a module changes, even when the kernel's
release string does not (a rebuilt debug kernel kept it, and the cached
initramfs with the old netfs.ko stopped every debug VM at insmod)."""
import gzip
import os
import shutil
import subprocess

import pytest

from ibodp_testlib.paths import REPO

LIB = os.path.join(REPO, "tools", "lib")

# A module tree shaped like the kernel's: 9p needs netfs and 9pnet, and
# 9pnet_virtio needs 9pnet; overlay is built in (absent from modules.dep).
MODULES = {
    "kernel/net/9p/9pnet.ko": [],
    "kernel/net/9p/9pnet_virtio.ko": ["kernel/net/9p/9pnet.ko"],
    "kernel/fs/netfs/netfs.ko": [],
    "kernel/fs/9p/9p.ko": ["kernel/fs/netfs/netfs.ko", "kernel/net/9p/9pnet.ko"],
}


@pytest.fixture(autouse=True)
def name_it(request, record_property):
    record_property("test", "initrd/" + request.node.name[len("test_"):])


@pytest.fixture
def tree(tmp_path):
    if not os.access("/bin/busybox", os.R_OK):
        pytest.skip("no /bin/busybox on the host (tools/test installs busybox-static)")
    mods = tmp_path / "lib" / "modules" / "7.2.0-test"
    for path, deps in MODULES.items():
        (mods / path).parent.mkdir(parents=True, exist_ok=True)
        (mods / path).write_bytes(b"module " + path.encode() + b" v1\n")
    (mods / "modules.dep").write_text(
        "".join(f"{p}: {' '.join(d)}\n" for p, d in MODULES.items()))
    return mods


def make_initrd(mods, cache):
    r = subprocess.run(
        ["bash", "-c", f'. "{LIB}/common.sh"; . "{LIB}/initrd.sh"; make_initrd "$1"', "_",
         str(mods)], env={**os.environ, "IB_ODP_CACHE": str(cache)},
        capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def cpio_files(path, tmp_path):
    """The initramfs unpacked: {name: bytes} of its regular files."""
    out = tmp_path / ("unpacked-" + os.path.basename(path))
    out.mkdir()
    with gzip.open(path) as f:
        subprocess.run(["cpio", "-id", "--quiet"], input=f.read(), cwd=out, check=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_modules_in_dependency_order(tree, tmp_path):
    files = cpio_files(make_initrd(tree, tmp_path / "cache"), tmp_path)
    order = files["modules.order"].decode().split()
    assert order == ["9pnet.ko", "9pnet_virtio.ko", "netfs.ko", "9p.ko"], order
    assert files["modules/netfs.ko"] == b"module kernel/fs/netfs/netfs.ko v1\n"
    assert "init" in files and "bin/busybox" in files


def test_changed_module_gives_a_new_initrd(tree, tmp_path):
    cache = tmp_path / "cache"
    first = make_initrd(tree, cache)
    assert make_initrd(tree, cache) == first, "same inputs must reuse the cached initramfs"
    (tree / "kernel/fs/netfs/netfs.ko").write_bytes(b"module netfs rebuilt v2\n")
    second = make_initrd(tree, cache)
    assert second != first
    assert cpio_files(second, tmp_path)["modules/netfs.ko"] == b"module netfs rebuilt v2\n"
