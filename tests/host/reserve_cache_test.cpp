// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <thread>

#include "macf/host/state/reserve_cache.hpp"
#include "test_markets.hpp"

namespace {

using macf::host::PoolState;
using macf::host::ReserveCache;
using namespace std::chrono_literals;

struct FakeClock {
    ReserveCache::Clock::time_point now{std::chrono::seconds(1000)};
};

PoolState v2(std::uint64_t r0, std::uint64_t r1) {
    PoolState s;
    s.x = macf::dex::U256{r0};
    s.y = macf::dex::U256{r1};
    s.fee = 30;
    s.valid = true;
    return s;
}

TEST(ReserveCache, HitsMissesAndTtl) {
    FakeClock clock;
    ReserveCache cache(5000ms, [&] { return clock.now; });
    const auto a = macf::test::make_address(2, 1);
    EXPECT_FALSE(cache.get(a));  // unknown: miss
    cache.set(a, v2(10, 20));
    ASSERT_TRUE(cache.get(a));
    EXPECT_EQ(cache.get(a)->y, macf::dex::U256{20});
    clock.now += 4999ms;
    EXPECT_TRUE(cache.get(a));  // still fresh
    clock.now += 1ms;
    EXPECT_FALSE(cache.get(a));  // 5 s old: expired
    const auto s = cache.stats();
    EXPECT_EQ(s.hits, 3U);
    EXPECT_EQ(s.misses, 2U);
    EXPECT_DOUBLE_EQ(s.hit_rate(), 60.0);
    EXPECT_EQ(cache.ttl(), 5000ms);
}

TEST(ReserveCache, DefaultTtlIsFiveSeconds) { EXPECT_EQ(ReserveCache{}.ttl(), 5000ms); }

TEST(ReserveCache, InvalidateAndCleanup) {
    FakeClock clock;
    ReserveCache cache(1000ms, [&] { return clock.now; });
    std::vector<macf::host::Address> pools;
    for (std::uint32_t i = 0; i < 5; ++i) {
        pools.push_back(macf::test::make_address(2, i));
        cache.set(pools.back(), v2(i + 1, i + 2));
    }
    EXPECT_TRUE(cache.invalidate(pools[0]));
    EXPECT_FALSE(cache.invalidate(pools[0]));  // already invalid
    EXPECT_FALSE(cache.invalidate(macf::test::make_address(9, 9)));
    EXPECT_EQ(cache.invalidate(std::vector<macf::host::Address>{pools[1], pools[2]}), 2U);
    EXPECT_FALSE(cache.get(pools[1]));
    EXPECT_EQ(cache.stats().entries, 2U);
    clock.now += 2000ms;
    EXPECT_EQ(cache.cleanup(), 2U);
    EXPECT_EQ(cache.stats().entries, 0U);
    EXPECT_EQ(cache.stats().evictions, 2U);
    EXPECT_EQ(cache.stats().invalidations, 3U);
    cache.set(pools[3], v2(7, 7));  // a refetched state is served again
    EXPECT_TRUE(cache.get(pools[3]));
}

TEST(ReserveCache, StableSlotsThroughGrowth) {
    ReserveCache cache;
    std::vector<std::pair<macf::host::Address, PoolState>> initial;
    for (std::uint32_t i = 0; i < 3000; ++i)
        initial.emplace_back(macf::test::make_address(2, i), v2(i + 1, 1));
    cache.warm(initial);  // grows the slot array past its first capacity
    EXPECT_EQ(cache.stats().entries, 3000U);
    for (std::uint32_t i = 0; i < 3000; ++i) {
        ASSERT_EQ(*cache.slot_of(initial[i].first), i);
        ASSERT_EQ(cache.get(initial[i].first)->x,
                  macf::dex::U256{i + 1});  // contents survived growth
    }
    cache.set(initial[42].first, v2(5, 5));
    cache.set(initial[7].first, v2(5, 5));
    cache.set(initial[42].first, v2(6, 6));  // a second write keeps the slot, last one wins
    EXPECT_EQ(*cache.slot_of(initial[42].first), 42U);
    EXPECT_EQ(cache.get(initial[42].first)->x, macf::dex::U256{6});
    EXPECT_EQ(cache.get(initial[7].first)->x, macf::dex::U256{5});
    EXPECT_EQ(cache.stats().entries, 3000U);
    EXPECT_TRUE(cache.is_fresh(42));
    EXPECT_FALSE(cache.is_fresh(3000));  // no such slot
}

TEST(ReserveCache, ConcurrentReadersAndWriters) {
    ReserveCache cache;
    const auto a = macf::test::make_address(2, 1);
    cache.set(a, v2(1, 1));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20000; ++i) {
                if (t == 0) {
                    cache.set(macf::test::make_address(3, static_cast<std::uint32_t>(i % 500)),
                              v2(i + 1, 2));
                } else {
                    const auto s = cache.get(a);
                    ASSERT_TRUE(s);
                    ASSERT_EQ(s->x, macf::dex::U256{1});
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(cache.stats().hits, 60000U);
}

}  // namespace
