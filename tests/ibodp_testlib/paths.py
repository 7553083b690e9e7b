"""Where things are: the repository, its tools, the results folder."""
import os

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
