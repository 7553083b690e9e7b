// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp: on-demand paging memory layer for RDMA drivers.
 *
 * This file holds the module's life cycle and its debugfs root. Devices
 * (ib_odp_device.c), regions and invalidation (ib_odp_region.c) and faults
 * (ib_odp_fault.c) have their own files.
 */
#include <linux/debugfs.h>
#include <linux/module.h>

#include "ib_odp.h"

static struct dentry *ib_odp_debugfs;

/**
 * ib_odp_debugfs_root() - debugfs directory of the ib_odp layer
 *
 * Drivers built on ib_odp put their per-device statistics below this
 * directory.
 *
 * Return: the directory, or an error pointer when debugfs is unavailable;
 * debugfs calls accept both.
 */
struct dentry *ib_odp_debugfs_root(void)
{
	return ib_odp_debugfs;
}
EXPORT_SYMBOL_GPL(ib_odp_debugfs_root);

static int __init ib_odp_init(void)
{
	ib_odp_debugfs = debugfs_create_dir("ib_odp", NULL);
	pr_info("ib_odp: on-demand paging layer loaded\n");
	return 0;
}

static void __exit ib_odp_exit(void)
{
	debugfs_remove_recursive(ib_odp_debugfs);
}

module_init(ib_odp_init);
module_exit(ib_odp_exit);

MODULE_DESCRIPTION("On-demand paging memory layer for RDMA drivers");
MODULE_LICENSE("Dual BSD/GPL");
