// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <atomic>

#include "macf/host/search/thread_pool.hpp"

namespace {

TEST(ThreadPool, RunsEveryTaskAndReturnsResults) {
    macf::host::ThreadPool pool(3);
    EXPECT_EQ(pool.size(), 3U);
    std::vector<std::future<int>> results;
    for (int i = 0; i < 100; ++i) results.push_back(pool.submit([i] { return i * i; }));
    for (int i = 0; i < 100; ++i) EXPECT_EQ(results[i].get(), i * i);
    std::atomic<int> sum{0};
    pool.parallel_for(1000, [&](std::size_t i) { sum += static_cast<int>(i); });
    EXPECT_EQ(sum.load(), 999 * 1000 / 2);
}

TEST(ThreadPool, ExceptionsReachTheCaller) {
    macf::host::ThreadPool pool(2);
    auto f = pool.submit([]() -> int { throw std::runtime_error("boom"); });
    EXPECT_THROW(f.get(), std::runtime_error);
    std::atomic<int> ran{0};
    EXPECT_THROW(pool.parallel_for(10,
                                   [&](std::size_t i) {
                                       ++ran;
                                       if (i == 3) throw std::logic_error("task 3");
                                   }),
                 std::logic_error);
    EXPECT_EQ(ran.load(), 10);  // every task still ran
}

TEST(ThreadPool, DestructorDrainsTheQueue) {
    std::atomic<int> ran{0};
    {
        macf::host::ThreadPool pool(1);
        for (int i = 0; i < 50; ++i) (void)pool.submit([&] { ++ran; });
    }
    EXPECT_EQ(ran.load(), 50);
}

}  // namespace
