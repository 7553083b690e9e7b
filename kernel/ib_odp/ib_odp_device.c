// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp devices: per-device counters and their debugfs files,
 *   <debugfs>/ib_odp/<device>/counters   totals of the device
 *   <debugfs>/ib_odp/<device>/regions    one line per live region
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ib_odp.h"
#include "ib_odp_internal.h"

static void ib_odp_show_stats(struct seq_file *m, const struct ib_odp_stats *s,
			      const char *sep)
{
	seq_printf(m, "faults%s%lld\n", sep, atomic64_read(&s->faults));
	seq_printf(m, "pages_faulted%s%lld\n", sep,
		   atomic64_read(&s->pages_faulted));
	seq_printf(m, "invalidations%s%lld\n", sep,
		   atomic64_read(&s->invalidations));
	seq_printf(m, "pages_invalidated%s%lld\n", sep,
		   atomic64_read(&s->pages_invalidated));
	seq_printf(m, "collisions%s%lld\n", sep, atomic64_read(&s->collisions));
	seq_printf(m, "fault_errors%s%lld\n", sep,
		   atomic64_read(&s->fault_errors));
	seq_printf(m, "fault_timeouts%s%lld\n", sep,
		   atomic64_read(&s->fault_timeouts));
	seq_printf(m, "prefetches%s%lld\n", sep, atomic64_read(&s->prefetches));
}

static int counters_show(struct seq_file *m, void *unused)
{
	struct ib_odp_device *dev = m->private;

	ib_odp_show_stats(m, &dev->stats, " ");
	/* Only devices count implicit regions' children. */
	seq_printf(m, "children_created %lld\n",
		   atomic64_read(&dev->stats.children_created));
	seq_printf(m, "children_removed %lld\n",
		   atomic64_read(&dev->stats.children_removed));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int regions_show(struct seq_file *m, void *unused)
{
	struct ib_odp_device *dev = m->private;
	struct ib_odp_region *region;

	seq_puts(m, "# addr length mapped_pages faults pages_faulted invalidations pages_invalidated collisions fault_errors prefetches\n");
	mutex_lock(&dev->lock);
	list_for_each_entry(region, &dev->regions, dev_entry) {
		const struct ib_odp_stats *s = &region->stats;

		seq_printf(m, "%#llx %llu %lu %lld %lld %lld %lld %lld %lld %lld\n",
			   region->addr, region->length,
			   READ_ONCE(region->npages),
			   atomic64_read(&s->faults),
			   atomic64_read(&s->pages_faulted),
			   atomic64_read(&s->invalidations),
			   atomic64_read(&s->pages_invalidated),
			   atomic64_read(&s->collisions),
			   atomic64_read(&s->fault_errors),
			   atomic64_read(&s->prefetches));
	}
	mutex_unlock(&dev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(regions);

/**
 * ib_odp_device_init() - prepare the ib_odp state of a device
 * @dev: the state, embedded in the driver's device
 * @name: the device name, used for its debugfs directory
 *
 * Debugfs is optional: if it is missing or the name is taken, the device
 * works without its files.
 */
void ib_odp_device_init(struct ib_odp_device *dev, const char *name)
{
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->regions);
	dev->debugfs = debugfs_create_dir(name, ib_odp_debugfs_root());
	debugfs_create_file("counters", 0444, dev->debugfs, dev,
			    &counters_fops);
	debugfs_create_file("regions", 0444, dev->debugfs, dev, &regions_fops);
}
EXPORT_SYMBOL_GPL(ib_odp_device_init);

/**
 * ib_odp_device_fini() - release the ib_odp state of a device
 * @dev: the state; all its regions must have been destroyed
 */
void ib_odp_device_fini(struct ib_odp_device *dev)
{
	debugfs_remove_recursive(dev->debugfs);
	WARN_ON(!list_empty(&dev->regions));
	mutex_destroy(&dev->lock);
}
EXPORT_SYMBOL_GPL(ib_odp_device_fini);
