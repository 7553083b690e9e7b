// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp devices: per-device counters and their debugfs files,
 *   <debugfs>/ib_odp/<device>/counters   totals of the device
 *   <debugfs>/ib_odp/<device>/regions    one line per live region
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/stringify.h>

#include "ib_odp.h"
#include "ib_odp_internal.h"

/* By enum ib_odp_counter: ib_odp_counters.h in its order. */
static const char *const ib_odp_counter_names[IB_ODP_NUM_COUNTERS] = {
#define IB_ODP_REGION_COUNTER(name) __stringify(name),
#define IB_ODP_DEVICE_COUNTER(name) __stringify(name),
#include "ib_odp_counters.h"
#undef IB_ODP_REGION_COUNTER
#undef IB_ODP_DEVICE_COUNTER
};

static int counters_show(struct seq_file *m, void *unused)
{
	struct ib_odp_device *dev = m->private;
	int i;

	for (i = 0; i < IB_ODP_NUM_COUNTERS; i++)
		seq_printf(m, "%s %lld\n", ib_odp_counter_names[i],
			   atomic64_read(&dev->stats.count[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int regions_show(struct seq_file *m, void *unused)
{
	struct ib_odp_device *dev = m->private;
	struct ib_odp_region *region;
	int i;

	seq_puts(m, "# addr length mapped_pages");
	for (i = 0; i < IB_ODP_NUM_REGION_COUNTERS; i++)
		seq_printf(m, " %s", ib_odp_counter_names[i]);
	seq_putc(m, '\n');
	mutex_lock(&dev->lock);
	list_for_each_entry(region, &dev->regions, dev_entry) {
		seq_printf(m, "%#llx %llu %lu", region->addr, region->length,
			   READ_ONCE(region->npages));
		for (i = 0; i < IB_ODP_NUM_REGION_COUNTERS; i++)
			seq_printf(m, " %lld",
				   atomic64_read(&region->stats.count[i]));
		seq_putc(m, '\n');
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
