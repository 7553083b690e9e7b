// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Who pays for the mirror: the kernel memory an ODP region grows as the
// device faults its pages (the layer's descriptors and mirror nodes, an
// implicit region's children) is charged to the memory cgroup of the
// process that registered it, even though rxe's workers run the faults.
// Otherwise a process could grow kernel memory past its cgroup's limit by
// having the device touch one page per span of a huge MAP_NORESERVE
// mapping. Measured in a cgroup of the test's own: its memory.stat
// "kernel" minus "pagetables" (the process's own page tables), over the
// registration and one RDMA write per 64 MiB.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr std::size_t region_size = 16ULL << 30;
constexpr std::size_t stride = 64ULL << 20; // one implicit child span of ours
constexpr std::size_t touches = region_size / stride;
// Far below what the layer allocates per touched span (a descriptor of
// several hundred bytes and 576-byte mirror nodes), far above the noise of
// a cgroup whose process does nothing else meanwhile.
constexpr long long min_bytes_per_touch = 256;

const std::string cgroup_root = "/sys/fs/cgroup";

// The calling process in a memory cgroup of its own (cgroup v2) for the
// object's lifetime; it moves back to the root cgroup at the end.
class own_memory_cgroup
{
public:
	own_memory_cgroup()
	{
		// Enabling a controller that is already on is a no-op.
		write_file(cgroup_root + "/cgroup.subtree_control", "+memory");
		if (mkdir(path_.c_str(), 0755) != 0 && errno != EEXIST)
			throw error("mkdir " + path_, errno);
		write_file(path_ + "/cgroup.procs", std::to_string(getpid()));
	}
	own_memory_cgroup(const own_memory_cgroup &) = delete;
	own_memory_cgroup &operator=(const own_memory_cgroup &) = delete;
	~own_memory_cgroup()
	{
		try {
			write_file(cgroup_root + "/cgroup.procs", std::to_string(getpid()));
		} catch (const error &e) {
			ADD_FAILURE() << "leaving " << path_ << ": " << e.what();
		}
		if (rmdir(path_.c_str()) != 0)
			ADD_FAILURE() << "rmdir " << path_ << ": errno " << errno;
	}

	// Kernel memory charged to the cgroup, without page tables.
	[[nodiscard]] long long kernel_bytes() const
	{
		std::ifstream f(path_ + "/memory.stat");
		std::string key;
		long long value = 0;
		long long kernel = -1;
		long long pagetables = -1;
		while (f >> key >> value) {
			if (key == "kernel")
				kernel = value;
			else if (key == "pagetables")
				pagetables = value;
		}
		if (kernel < 0 || pagetables < 0)
			throw error("no kernel and pagetables in " + path_ + "/memory.stat",
			            ENOENT);
		return kernel - pagetables;
	}

private:
	std::string path_ = cgroup_root + "/ibodp_odp_charge";
};

// Registers @p kind over a 16 GiB MAP_NORESERVE mapping in a cgroup of
// its own and writes one page per 64 MiB by RDMA; returns the kernel
// memory charged to the cgroup meanwhile, or nullopt when the device
// refused the registration (stock rxe and 16 GiB: see below).
std::optional<long long> charged_for_sparse_region(mr_kind kind)
{
	void *addr = mmap(nullptr, region_size, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (addr == MAP_FAILED)
		throw error("mmap 16 GiB", errno);
	mapping region(addr, region_size);
	advise(region.data(), region_size, MADV_NOHUGEPAGE);
	rc_pair qp;
	auto src_memory = mapping::anonymous(page_size);
	const memory_region src(qp.pd, src_memory.data(), page_size, rw, mr_kind::pinned);
	fill_pattern(src_memory.data(), page_size, 21);

	const own_memory_cgroup cgroup;
	const long long before = cgroup.kernel_bytes();
	std::optional<memory_region> mr;
	try {
		mr.emplace(memory_region::covering(qp.pd, region.data(), region_size, rw, kind));
	} catch (const error &e) {
		std::printf("registration refused: %s\n", e.what());
		return std::nullopt;
	}
	for (std::size_t offset = 0; offset < region_size; offset += stride) {
		const completion wc =
		        qp.write(src, src_memory.data(), 64, *mr, region.data() + offset);
		if (!wc.ok()) {
			ADD_FAILURE() << "write at +" << offset << ": " << wc.status_name();
			return std::nullopt;
		}
		if (pattern_mismatch(region.data() + offset, 64, 21) != 64) {
			ADD_FAILURE() << "write at +" << offset << " did not land";
			return std::nullopt;
		}
	}
	const long long charged = cgroup.kernel_bytes() - before;
	std::printf("%s over 16 GiB, %zu pages written by RDMA: %lld KiB of kernel memory charged "
	            "to the process's cgroup\n",
	            to_string(kind), touches, charged / 1024);
	return charged;
}

TEST(OdpCharge, SparseRegionMirrorIsChargedToTheProcess)
{
	const std::optional<long long> charged = charged_for_sparse_region(mr_kind::odp);
	if (HasFailure())
		return;
	// Stock rxe may refuse a region this large up front (its page array
	// for the whole range); then it has nothing to charge.
	if (!charged)
		GTEST_SKIP() << "the device refused a 16 GiB ODP region";
	EXPECT_GE(*charged, static_cast<long long>(touches) * min_bytes_per_touch)
	        << "bytes charged for " << touches << " faulted spans";
}

TEST(OdpCharge, ImplicitChildrenAreChargedToTheProcess)
{
	REQUIRE_IMPLICIT();
	const std::optional<long long> charged = charged_for_sparse_region(mr_kind::implicit_odp);
	if (HasFailure())
		return;
	ASSERT_TRUE(charged) << "the implicit registration was refused";
	EXPECT_GE(*charged, static_cast<long long>(touches) * min_bytes_per_touch)
	        << "bytes charged for " << touches << " children";
}

} // namespace
} // namespace ibodp::test
