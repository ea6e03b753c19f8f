// SPDX-License-Identifier: Apache-2.0
// The generic MACF coordinator: coordinate(opportunities, evaluator) in every mode.

#include <gtest/gtest.h>

#include <atomic>
#include <optional>

#include "macf/host/engine/coordinator.hpp"

namespace {

using macf::host::MacfCoordinator;
using macf::host::Mode;

std::optional<int> profitable_double(const int& x) {
    if (x % 3 == 0) return std::nullopt;  // "not profitable"
    return x * 2;
}

TEST(Coordinator, SameResultsInInputOrderInEveryMode) {
    std::vector<int> items(1000);
    for (int i = 0; i < 1000; ++i) items[i] = i;
    std::vector<int> expect;
    for (const int i : items) {
        if (auto r = profitable_double(i)) expect.push_back(*r);
    }
    for (const Mode mode : {Mode::kSequential, Mode::kBatch, Mode::kParallel, Mode::kUltra}) {
        MacfCoordinator coord({mode, 4, 64, false});
        EXPECT_EQ(coord.coordinate(std::span<const int>(items), profitable_double), expect);
        const auto m = coord.metrics();
        EXPECT_EQ(m.mode, mode);
        EXPECT_EQ(m.opportunities_processed, 1000U);
        EXPECT_EQ(m.opportunities_found, expect.size());
        EXPECT_EQ(m.batch_count, mode == Mode::kSequential ? 0U : 16U);
        EXPECT_EQ(m.parallel_executions,
                  mode == Mode::kParallel || mode == Mode::kUltra ? 16U : 0U);
        EXPECT_GE(m.total_time, 0.0);
        if (mode == Mode::kSequential) {
            EXPECT_EQ(m.speedup_factor, 1.0);
        }
    }
}

TEST(Coordinator, CacheMemoisesRepeatedItems) {
    std::atomic<int> calls{0};
    const auto eval = [&](const int& x) -> std::optional<int> {
        ++calls;
        return x + 1;
    };
    MacfCoordinator coord({Mode::kParallel, 2, 10, true});
    std::vector<int> items(100, 7);  // the same opportunity 100 times
    items.push_back(8);
    const auto first = coord.coordinate(std::span<const int>(items), eval);
    EXPECT_EQ(first.size(), 101U);
    EXPECT_LE(calls.load(), 3);  // racing workers may each evaluate 7 once before it is cached
    const auto m = coord.metrics();
    EXPECT_EQ(m.cache_hits + m.cache_misses, 101U);
    EXPECT_GT(m.cache_hit_rate, 90.0);
    // A second round on the same items is all hits.
    (void)coord.coordinate(std::span<const int>(items), eval);
    EXPECT_EQ(coord.metrics().cache_hits, 101U);
    EXPECT_DOUBLE_EQ(coord.metrics().cache_hit_rate, 100.0);
}

TEST(Coordinator, AsyncVariantAndSpeedupBaseline) {
    MacfCoordinator coord({Mode::kParallel, 2, 8, false});
    coord.set_baseline(1e-3);  // 1 ms per item measured sequentially
    std::vector<int> items = {1, 2, 3, 4};
    auto fut = coord.coordinate_async(items, profitable_double);
    EXPECT_EQ(fut.get(), (std::vector<int>{2, 4, 8}));
    ASSERT_TRUE(coord.metrics().speedup_factor.has_value());
    EXPECT_GT(*coord.metrics().speedup_factor, 0.0);
}

TEST(Coordinator, EvaluatorExceptionsPropagateAndShutdownIsFinal) {
    MacfCoordinator coord({Mode::kParallel, 2, 1, false});
    std::vector<int> items = {1, 2, 3};
    EXPECT_THROW(coord.coordinate(std::span<const int>(items),
                                  [](const int& x) -> std::optional<int> {
                                      if (x == 2) throw std::runtime_error("bad pool");
                                      return x;
                                  }),
                 std::runtime_error);
    coord.shutdown();
    EXPECT_THROW(coord.coordinate(std::span<const int>(items), profitable_double),
                 std::logic_error);
}

TEST(Coordinator, RejectsZeroBatchSize) {
    EXPECT_THROW(MacfCoordinator({Mode::kBatch, 1, 0, false}), std::invalid_argument);
}

}  // namespace
