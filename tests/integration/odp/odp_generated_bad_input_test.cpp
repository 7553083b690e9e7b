// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Generated bad input through the verbs API, straight to the kernel (no
// library checks in between): malformed registrations, advice and work
// requests with wrong keys, lengths and addresses outside, just past or
// before an MR and after deregistration. Each must fail with the errno or
// the error completion stock rxe gives (measured on kernel 7.2); the
// device must carry correct RDMA afterwards. The guest log is checked for
// splats by the harness.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
                   IBV_ACCESS_REMOTE_ATOMIC;
constexpr std::size_t mr_pages = 4;

using raw_mr = std::unique_ptr<ibv_mr, decltype(&ibv_dereg_mr)>;

// errno of a raw ODP registration (0 if it succeeded).
[[nodiscard]] int reg_errno(const protection_domain &pd, std::uint64_t addr, std::size_t length,
                            std::uint64_t iova, int access)
{
	errno = 0;
	const raw_mr mr(ibv_reg_mr_iova(pd.get(), reinterpret_cast<void *>(addr), length, iova,
	                                access | IBV_ACCESS_ON_DEMAND),
	                &ibv_dereg_mr);
	return mr ? 0 : errno;
}

// Counts the cases and reports each mismatch with its description.
struct case_log {
	int cases = 0;
	int failures = 0;
	void expect(bool ok, const std::string &what)
	{
		++cases;
		if (!ok) {
			++failures;
			ADD_FAILURE() << what;
		}
	}
};

std::string hex(std::uint64_t v)
{
	std::ostringstream s;
	s << std::hex << "0x" << v;
	return s.str();
}

// After the bad input: a good WRITE (one packet, which stock copies
// right) through the same PD lands intact.
void expect_still_usable(rc_pair &qp)
{
	qp.reconnect();
	while (qp.req_cq.poll()) {
	}
	auto src = mapping::anonymous(page_size);
	auto dst = mapping::anonymous(page_size);
	const memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::odp);
	const memory_region dst_mr(qp.pd, dst.data(), dst.size(), rw, mr_kind::odp);
	fill_pattern(src.data(), 1000, 42);
	const completion wc = qp.write(src_mr, src.data(), 1000, dst_mr, dst.data());
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(dst.data(), 1000, 42), 1000U);
}

TEST(OdpGeneratedBadInput, Registrations)
{
	rc_pair qp;
	auto buf = mapping::anonymous(64 * page_size);
	const auto base = reinterpret_cast<std::uint64_t>(buf.data());
	case_log log;
	const std::uint64_t offsets[] = {0, 1, 8, 100, 4095, 4096, 8191};
	const std::size_t lengths[] = {1, 4096, 5000, 65536, 1 << 20};
	// Remote write or atomic access needs local write (EINVAL).
	for (const auto offset : offsets) {
		for (const auto length : lengths) {
			for (const int access : {int{IBV_ACCESS_REMOTE_WRITE},
			                         IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
			                         int{IBV_ACCESS_REMOTE_ATOMIC}}) {
				const int e = reg_errno(qp.pd, base + offset, length, base + offset,
				                        access);
				log.expect(e == EINVAL, "access " + hex(access) + " at +" +
				                                std::to_string(offset) +
				                                " length " +
				                                std::to_string(length) +
				                                ": errno " + std::to_string(e));
			}
		}
	}
	// Empty ranges, whatever the access: EINVAL, except that stock accepts
	// an empty ODP range that does not start a page (a stock quirk; ours
	// refuses every empty range).
	for (const auto offset : offsets) {
		const int expected = test_env::get().ours() || offset % page_size == 0 ? EINVAL : 0;
		for (const int access : {0, int{IBV_ACCESS_LOCAL_WRITE}, rw}) {
			const int e = reg_errno(qp.pd, base + offset, 0, base + offset, access);
			log.expect(e == expected, "empty range at +" + std::to_string(offset) +
			                                  ": errno " + std::to_string(e) + ", expected " +
			                                  std::to_string(expected));
		}
	}
	// Ranges that wrap around the end of the address space (EOVERFLOW).
	for (const std::uint64_t start : {~std::uint64_t{0} - 4095, ~std::uint64_t{0} - 65535,
	                                  ~std::uint64_t{0} - 7, ~std::uint64_t{0}}) {
		for (const std::size_t length :
		     {std::size_t{1} << 17, std::size_t{1} << 20, std::size_t{1} << 40}) {
			const int e = reg_errno(qp.pd, start, length, start, rw);
			log.expect(e == EOVERFLOW, "wrapping range " + hex(start) + "+" +
			                                   std::to_string(length) + ": errno " +
			                                   std::to_string(e));
		}
	}
	EXPECT_GE(log.cases, 100);
	expect_still_usable(qp);
}

// ibv_advise_mr() of one SGE: 0 or the errno.
[[nodiscard]] int advise(const protection_domain &pd, int advice, std::uint32_t flags,
                         std::uint64_t addr, std::uint32_t length, std::uint32_t lkey)
{
	ibv_sge sge{addr, length, lkey};
	return ibv_advise_mr(pd.get(), static_cast<ibv_advise_mr_advice>(advice), flags, &sge, 1);
}

TEST(OdpGeneratedBadInput, Advice)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous((mr_pages + 2) * page_size);
	std::byte *start = buf.data() + page_size;
	const memory_region mr(qp.pd, start, mr_pages * page_size, rw, mr_kind::odp);
	const auto base = reinterpret_cast<std::uint64_t>(start);
	const std::uint64_t end = base + mr_pages * page_size;
	const int advices[] = {IBV_ADVISE_MR_ADVICE_PREFETCH, IBV_ADVISE_MR_ADVICE_PREFETCH_WRITE,
	                       IBV_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT};
	case_log log;
	// Keys that name no MR (EINVAL).
	for (const std::uint32_t flip :
	     {1U, 0x100U, 0x10000U, 0x1000000U, 0x80000000U, 0xffU, 0xffffff00U, 0xffffffffU}) {
		for (const int advice : advices) {
			const int e = advise(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH, base, 64,
			                     mr.lkey() ^ flip);
			log.expect(e == EINVAL, "lkey ^ " + hex(flip) + " advice " +
			                                std::to_string(advice) + ": errno " +
			                                std::to_string(e));
		}
	}
	// Synchronous advice outside the MR (EFAULT).
	const struct {
		std::uint64_t addr;
		std::uint32_t length;
	} outside[] = {{end, 1},
	               {end - 1, 2},
	               {end - 4096, 8192},
	               {base - 1, 2},
	               {base - 4096, 4096},
	               {base - 8, 16},
	               {base, 0x7fffffff},
	               {end + 4096, 4096},
	               {0x1000, 64},
	               {base + 8, mr_pages * 4096}};
	for (const auto &o : outside) {
		for (const int advice : advices) {
			const int e = advise(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH, o.addr,
			                     o.length, mr.lkey());
			log.expect(e == EFAULT, "range " + hex(o.addr) + "+" +
			                                std::to_string(o.length) + " advice " +
			                                std::to_string(advice) + ": errno " +
			                                std::to_string(e));
		}
	}
	// Ranges that wrap (EINVAL).
	for (const std::uint64_t addr : {~std::uint64_t{0} - 7, ~std::uint64_t{0} - 4095}) {
		for (const int advice : advices) {
			const int e = advise(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH, addr, 8192,
			                     mr.lkey());
			log.expect(e == EINVAL,
			           "wrapping " + hex(addr) + ": errno " + std::to_string(e));
		}
	}
	// Unknown advice (EOPNOTSUPP) and unknown flags (EINVAL).
	for (const int advice : {3, 4, 16, 255, 0x7fffffff}) {
		const int e = advise(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH, base, 64, mr.lkey());
		log.expect(e == EOPNOTSUPP,
		           "advice " + std::to_string(advice) + ": errno " + std::to_string(e));
	}
	for (const std::uint32_t flags : {2U, 4U, 0x100U, 0x80000000U, 0xffffffffU}) {
		const int e =
		        advise(qp.pd, IBV_ADVISE_MR_ADVICE_PREFETCH, flags, base, 64, mr.lkey());
		log.expect(e == EINVAL, "flags " + hex(flags) + ": errno " + std::to_string(e));
	}
	EXPECT_GE(log.cases, 60);
	// Nothing outside the MR was touched.
	EXPECT_EQ(value_mismatch(buf.data(), page_size, std::byte{0}), page_size);
	expect_still_usable(qp);
}

// Where the bad work requests of one case go: a fresh connected pair (an
// error leaves a QP in the error state, with completions that must not
// leak into the next case), two ODP MRs with a guard page on each side,
// and the keys of an MR that was deregistered.
struct wr_setup {
	static constexpr std::size_t mr_len = mr_pages * page_size;

	rc_pair qp;
	mapping local_buf = mapping::anonymous(mr_len + 2 * page_size);
	mapping remote_buf = mapping::anonymous(mr_len + 2 * page_size);
	mapping gone_buf = mapping::anonymous(mr_len);
	memory_region local_mr{qp.pd, local_buf.data() + page_size, mr_len, rw, mr_kind::odp};
	memory_region remote_mr{qp.pd, remote_buf.data() + page_size, mr_len, rw, mr_kind::odp};
	std::uint32_t gone_lkey = 0;
	std::uint32_t gone_rkey = 0;

	wr_setup()
	{
		const memory_region gone(qp.pd, gone_buf.data(), gone_buf.size(), rw, mr_kind::odp);
		gone_lkey = gone.lkey();
		gone_rkey = gone.rkey();
	}
	[[nodiscard]] std::uint64_t lbase() const { return addr(local_buf) + page_size; }
	[[nodiscard]] std::uint64_t rbase() const { return addr(remote_buf) + page_size; }
	[[nodiscard]] std::uint64_t gone() const { return addr(gone_buf); }
	static std::uint64_t addr(const mapping &m)
	{
		return reinterpret_cast<std::uint64_t>(m.data());
	}
};

struct bad_wr {
	std::string what;
	std::function<int(wr_setup &)> post;
	ibv_wc_status expected;
};

// Remote targets outside what the key allows: WRITE, READ and atomics
// there fail with a remote access error.
void add_remote_cases(std::vector<bad_wr> &cases)
{
	using target_fn = std::function<remote_buffer(const wr_setup &)>;
	const std::pair<std::string, target_fn> targets[] = {
	        {"rkey^1",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase(), w.remote_mr.rkey() ^ 1};
	         }},
	        {"rkey^0x100",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase(), w.remote_mr.rkey() ^ 0x100};
	         }},
	        {"rkey^0xffffff00",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase(), w.remote_mr.rkey() ^ 0xffffff00};
	         }},
	        {"just past the end",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase() + wr_setup::mr_len, w.remote_mr.rkey()};
	         }},
	        {"crossing the end",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase() + wr_setup::mr_len - 64,
		                              w.remote_mr.rkey()};
	         }},
	        {"just before the start",
	         [](const wr_setup &w) {
		         return remote_buffer{w.rbase() - 128, w.remote_mr.rkey()};
	         }},
	        {"far away",
	         [](const wr_setup &w) {
		         return remote_buffer{0x1000, w.remote_mr.rkey()};
	         }},
	        {"a deregistered rkey",
	         [](const wr_setup &w) {
		         return remote_buffer{w.gone(), w.gone_rkey};
	         }},
	};
	for (const auto &[name, target] : targets) {
		cases.push_back({"WRITE to " + name,
		                 [target](wr_setup &w) {
			                 return w.qp.req.post_write(
			                         {w.lbase(), 128, w.local_mr.lkey()}, target(w), 1);
		                 },
		                 IBV_WC_REM_ACCESS_ERR});
		cases.push_back({"READ from " + name,
		                 [target](wr_setup &w) {
			                 return w.qp.req.post_read(
			                         {w.lbase(), 128, w.local_mr.lkey()}, target(w), 1);
		                 },
		                 IBV_WC_REM_ACCESS_ERR});
		if (name == "crossing the end")
			continue; // an aligned 8-byte word cannot cross it
		cases.push_back({"FETCH_ADD at " + name,
		                 [target](wr_setup &w) {
			                 return w.qp.req.post_fetch_add(
			                         {w.lbase(), 8, w.local_mr.lkey()}, target(w), 1,
			                         1);
		                 },
		                 IBV_WC_REM_ACCESS_ERR});
		cases.push_back({"CMP_SWAP at " + name,
		                 [target](wr_setup &w) {
			                 return w.qp.req.post_compare_swap(
			                         {w.lbase(), 8, w.local_mr.lkey()}, target(w), 0, 1,
			                         1);
		                 },
		                 IBV_WC_REM_ACCESS_ERR});
	}
}

// Local buffers outside what the key allows: a READ completes with a
// local protection error; rxe (stock and ours) completes a WRITE or SEND
// whose local buffer it cannot use as flushed.
void add_local_cases(std::vector<bad_wr> &cases)
{
	using sge_fn = std::function<ibv_sge(const wr_setup &)>;
	const std::pair<std::string, sge_fn> locals[] = {
	        {"lkey^1",
	         [](const wr_setup &w) {
		         return ibv_sge{w.lbase(), 128, w.local_mr.lkey() ^ 1};
	         }},
	        {"lkey^0xffffff00",
	         [](const wr_setup &w) {
		         return ibv_sge{w.lbase(), 128, w.local_mr.lkey() ^ 0xffffff00};
	         }},
	        {"past the local end",
	         [](const wr_setup &w) {
		         return ibv_sge{w.lbase() + wr_setup::mr_len - 64, 128, w.local_mr.lkey()};
	         }},
	        {"before the local start",
	         [](const wr_setup &w) {
		         return ibv_sge{w.lbase() - 64, 128, w.local_mr.lkey()};
	         }},
	        {"a deregistered lkey",
	         [](const wr_setup &w) {
		         return ibv_sge{w.gone(), 128, w.gone_lkey};
	         }},
	};
	for (const auto &[name, local] : locals) {
		cases.push_back({"WRITE from " + name,
		                 [local](wr_setup &w) {
			                 return w.qp.req.post_write(
			                         local(w), {w.rbase(), w.remote_mr.rkey()}, 1);
		                 },
		                 IBV_WC_WR_FLUSH_ERR});
		cases.push_back({"READ into " + name,
		                 [local](wr_setup &w) {
			                 return w.qp.req.post_read(
			                         local(w), {w.rbase(), w.remote_mr.rkey()}, 1);
		                 },
		                 IBV_WC_LOC_PROT_ERR});
		cases.push_back({"SEND from " + name,
		                 [local](wr_setup &w) { return w.qp.req.post_send(local(w), 1); },
		                 IBV_WC_WR_FLUSH_ERR});
	}
}

TEST(OdpGeneratedBadInput, WorkRequests)
{
	std::vector<bad_wr> cases;
	add_remote_cases(cases);
	add_local_cases(cases);
	case_log log;
	for (const auto &c : cases) {
		wr_setup w;
		const int rc = c.post(w);
		if (rc != 0) {
			log.expect(false,
			           c.what + ": post failed with errno " + std::to_string(rc));
			continue;
		}
		const completion wc = wait_one(w.qp.req_cq);
		log.expect(wc.status == c.expected, c.what + ": " + wc.status_name() +
		                                            ", expected " +
		                                            wc_status_name(c.expected));
		log.expect(
		        value_mismatch(w.remote_buf.data(), page_size, std::byte{0}) == page_size &&
		                value_mismatch(w.remote_buf.data() + page_size + wr_setup::mr_len,
		                               page_size, std::byte{0}) == page_size,
		        c.what + ": bytes around the remote MR were written");
		if (c.what == cases.back().what)
			expect_still_usable(w.qp);
	}
	EXPECT_GE(log.cases, 80);
}

} // namespace
} // namespace ibodp::test
