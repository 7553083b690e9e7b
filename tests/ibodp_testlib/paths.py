"""Where things are: the repository, its tools, the test image."""
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("IB_ODP_BUILD", os.path.join(REPO, "build"))
CACHE = os.environ.get("IB_ODP_CACHE",
                       os.path.join(os.environ.get("XDG_CACHE_HOME",
                                                   os.path.expanduser("~/.cache")),
                                    "ib_odp"))
IMAGE = os.environ.get("IB_ODP_IMAGE", os.path.join(CACHE, "image"))


def tool(name):
    """Path of a tool under tools/ (e.g. "vm/run")."""
    return os.path.join(REPO, "tools", name)


def in_image(*argv, **kwargs):
    """Run argv in the test image's chroot (tools/lib/common.sh in_image),
    which sees the repository at its own path; kwargs go to subprocess.run."""
    return subprocess.run(["bash", "-c", '. "$1/tools/lib/common.sh"; shift; in_image "$@"',
                           "-", REPO] + list(argv), **kwargs)
