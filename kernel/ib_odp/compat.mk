# SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
# Kernel feature tests for ib_odp_compat.h, included by the Kbuild files of
# ib_odp and of our rxe. Each looks at the kernel tree being built against
# (its exports, its uAPI headers) rather than at its version number, so a
# distribution's backports count.

# xas_destroy() is exported to modules (7.2; not 6.12).
ifeq ($(shell grep -qw xas_destroy $(objtree)/Module.symvers 2>/dev/null && echo y),)
ccflags-y += -DIB_ODP_COMPAT_NO_XAS_DESTROY
endif

# The ODP capability bits for FLUSH and ATOMIC WRITE exist (6.16 on).
ifeq ($(shell grep -qw IB_UVERBS_ODP_SUPPORT_FLUSH $(srctree)/include/uapi/rdma/ib_user_verbs.h 2>/dev/null && echo y),)
ccflags-y += -DIB_ODP_COMPAT_NO_ODP_FLUSH_CAPS
endif
