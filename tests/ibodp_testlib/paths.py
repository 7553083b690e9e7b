"""Where things are: the repository, its tools, the test image."""
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("IB_ODP_CACHE",
                       os.path.join(os.environ.get("XDG_CACHE_HOME",
                                                   os.path.expanduser("~/.cache")),
                                    "ib_odp"))
# The default distribution first, as in tools/lib/common.sh.
DISTROS = ("sid", "trixie")


def build_dir(distro=DISTROS[0]):
    """A distribution's build folder (tools/build --distro): build/ for
    sid, build/NAME for the others; IB_ODP_BUILD overrides, as in the
    shell tools (common.sh select_distro)."""
    suffix = "" if distro == DISTROS[0] else distro
    return os.environ.get("IB_ODP_BUILD") or os.path.join(REPO, "build", suffix).rstrip("/")


def image_dir(distro=DISTROS[0]):
    """A distribution's test image: CACHE/image for sid, image-NAME else."""
    suffix = "" if distro == DISTROS[0] else "-" + distro
    return os.environ.get("IB_ODP_IMAGE") or os.path.join(CACHE, "image" + suffix)


def image_var(name, distro=DISTROS[0]):
    """A value tools/image/build recorded in distro's image.env (as the
    shell's image_var in tools/lib/common.sh reads it); KeyError naming the
    file when it has no such value."""
    path = os.path.join(image_dir(distro), "image.env")
    with open(path) as f:
        values = dict(line.strip().split("=", 1) for line in f if "=" in line)
    if name not in values:
        raise KeyError("%s not in %s" % (name, path))
    return values[name].strip("'\"")


BUILD = build_dir()
IMAGE = image_dir()


def tool(name):
    """Path of a tool under tools/ (e.g. "vm/run")."""
    return os.path.join(REPO, "tools", name)


def in_image(*argv, distro=DISTROS[0], **kwargs):
    """Run argv in distro's test image chroot (tools/lib/common.sh
    in_image), which sees the repository at its own path; kwargs go to
    subprocess.run."""
    env = dict(kwargs.pop("env", None) or os.environ, IB_ODP_DISTRO=distro)
    return subprocess.run(["bash", "-c", '. "$1/tools/lib/common.sh"; shift; in_image "$@"',
                           "-", REPO] + list(argv), env=env, **kwargs)
