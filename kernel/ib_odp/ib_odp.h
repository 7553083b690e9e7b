/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * ib_odp: the interface an RDMA driver uses to mirror unpinned user memory.
 */
#ifndef IB_ODP_H
#define IB_ODP_H

struct dentry;

struct dentry *ib_odp_debugfs_root(void);

#endif /* IB_ODP_H */
