// SPDX-License-Identifier: Apache-2.0
// The nonce manager: concurrent senders get distinct nonces without gaps; released nonces are
// reused first; a resynchronisation after "nonce too low" (another sender used the account),
// after a dropped transaction and after "already known" ends in the right state.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "macf/chain/nonce_manager.hpp"
#include "macf/chain/signing_key.hpp"

namespace {

using macf::chain::NonceFault;
using macf::chain::NonceManager;

TEST(NonceManager, ConcurrentSendersGetEveryNonceOnce) {
    NonceManager nonces([] { return std::uint64_t{40}; });
    constexpr int kThreads = 8, kEach = 2000;
    std::vector<std::vector<std::uint64_t>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(static_cast<unsigned>(t));
            for (int i = 0; i < kEach; ++i) {
                const auto n = nonces.acquire();
                if (rng() % 5 == 0) {
                    nonces.release(n);  // not sent: someone else gets it
                    continue;
                }
                nonces.sent(n);
                got[static_cast<std::size_t>(t)].push_back(n);
            }
        });
    }
    for (auto& th : threads) th.join();
    std::set<std::uint64_t> all;
    std::size_t total = 0;
    for (const auto& g : got) {
        total += g.size();
        all.insert(g.begin(), g.end());
    }
    EXPECT_EQ(all.size(), total);  // no duplicates
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(*all.begin(), 40U);  // no gaps: every nonce from the first to the last was sent
    EXPECT_EQ(*all.rbegin(), 40U + total - 1);
    EXPECT_EQ(nonces.pending().size(), total);
}

TEST(NonceManager, ReleasedNoncesAreReusedFirst) {
    NonceManager nonces([] { return std::uint64_t{0}; });
    const auto a = nonces.acquire(), b = nonces.acquire(), c = nonces.acquire();
    EXPECT_EQ(a, 0U);
    EXPECT_EQ(c, 2U);
    nonces.release(b);
    EXPECT_EQ(nonces.acquire(), 1U);
    EXPECT_EQ(nonces.acquire(), 3U);
    nonces.sent(a);
    nonces.confirmed(a);
    EXPECT_TRUE(nonces.pending().empty());
}

TEST(NonceManager, ResyncAfterNonceTooLowSkipsUsedNonces) {
    std::atomic<std::uint64_t> chain{5};
    NonceManager nonces([&] { return chain.load(); });
    const auto mine = nonces.acquire();
    EXPECT_EQ(mine, 5U);
    chain = 9;  // another wallet sent 4 transactions with this account
    EXPECT_EQ(macf::chain::classify_nonce_error("nonce too low: next nonce 9, tx nonce 5"),
              NonceFault::kTooLow);
    nonces.release(mine);
    EXPECT_TRUE(nonces.resync().empty());
    EXPECT_EQ(nonces.acquire(), 9U);
    nonces.release(mine);  // a late release of a used nonce does not come back
    EXPECT_EQ(nonces.acquire(), 10U);
    EXPECT_EQ(nonces.resyncs(), 1U);
}

TEST(NonceManager, ResyncAfterADropReturnsTheDroppedNoncesForResending) {
    std::atomic<std::uint64_t> chain{0};
    NonceManager nonces([&] { return chain.load(); });
    for (int i = 0; i < 4; ++i) nonces.sent(nonces.acquire());
    const auto held = nonces.acquire();  // 4, in a sender's hands
    chain = 2;                           // 0 and 1 mined; 2 and 3 dropped from the pool
    const auto dropped = nonces.resync();
    EXPECT_EQ(dropped, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_TRUE(nonces.pending().empty());
    EXPECT_EQ(nonces.acquire(), 2U);
    EXPECT_EQ(nonces.acquire(), 3U);
    EXPECT_EQ(nonces.acquire(), 5U);  // 4 is still held
    EXPECT_EQ(held, 4U);
}

TEST(NonceManager, ClassifiesNodeWordings) {
    using macf::chain::classify_nonce_error;
    EXPECT_EQ(classify_nonce_error("Nonce too low. Expected nonce to be 3 but got 1."),
              NonceFault::kTooLow);
    EXPECT_EQ(classify_nonce_error("already known"), NonceFault::kAlreadyKnown);
    EXPECT_EQ(classify_nonce_error("Known transaction: 0xabc"), NonceFault::kAlreadyKnown);
    EXPECT_EQ(classify_nonce_error("Nonce too high. Expected nonce to be 3 but got 9."),
              NonceFault::kTooHigh);
    EXPECT_EQ(classify_nonce_error("replacement transaction underpriced"), NonceFault::kNone);
}

}  // namespace
