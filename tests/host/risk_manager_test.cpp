// SPDX-License-Identifier: Apache-2.0
// Risk limits with a test clock: per-trade maximum, daily cap (reset at the UTC day), maximum
// in flight, per-pool locks, and the circuit breaker (N failures in a window, cool-down, the
// callback once per opening).
#include <gtest/gtest.h>

#include "macf/host/exec/risk_manager.hpp"

namespace {

using macf::chain::Address;
using macf::dex::U256;
using macf::host::RiskLimits;
using macf::host::RiskManager;
using namespace std::chrono_literals;

Address pool(std::uint8_t b) {
    Address a;
    a.bytes.fill(b);
    return a;
}

struct TestClock {
    std::chrono::system_clock::time_point now{std::chrono::hours(24 * 20000)};  // a midnight
    RiskManager::Clock fn() {
        return [this] { return now; };
    }
};

TEST(RiskManager, SizeCapAndInFlightLimits) {
    TestClock clock;
    RiskLimits limits;
    limits.max_trade_wei = U256{100};
    limits.daily_cap_wei = U256{250};
    limits.max_in_flight = 2;
    RiskManager risk(limits, clock.fn());
    const Address a[] = {pool(1)}, b[] = {pool(2)}, c[] = {pool(3)};
    EXPECT_NE(risk.request(U256{101}, a).refusal.find("above the maximum"), std::string::npos);
    auto t1 = risk.request(U256{100}, a);
    auto t2 = risk.request(U256{100}, b);
    ASSERT_TRUE(t1.permit && t2.permit);
    EXPECT_NE(risk.request(U256{10}, c).refusal.find("in flight"), std::string::npos);
    t1.permit->finish(true);
    EXPECT_NE(risk.request(U256{60}, c).refusal.find("daily cap"), std::string::npos);
    auto t3 = risk.request(U256{50}, c);
    EXPECT_TRUE(t3.permit.has_value()) << t3.refusal;
    clock.now += 24h;   // a new UTC day
    t2.permit.reset();  // a permit dropped without an outcome frees its slot
    t3.permit.reset();
    EXPECT_TRUE(risk.request(U256{100}, c).permit.has_value());
    EXPECT_EQ(risk.counters().succeeded, 1U);
    EXPECT_EQ(risk.counters().failed, 0U);
}

TEST(RiskManager, TwoTradesNeverShareAPool) {
    TestClock clock;
    RiskLimits limits;
    limits.max_in_flight = 10;
    RiskManager risk(limits, clock.fn());
    const Address ab[] = {pool(1), pool(2)}, bc[] = {pool(2), pool(3)}, cd[] = {pool(3), pool(4)};
    auto first = risk.request(U256{1}, ab);
    ASSERT_TRUE(first.permit);
    const auto second = risk.request(U256{1}, bc);
    EXPECT_NE(second.refusal.find(pool(2).to_hex()), std::string::npos) << second.refusal;
    EXPECT_TRUE(risk.request(U256{1}, cd).permit.has_value());
    first.permit->finish(false);
    EXPECT_TRUE(risk.request(U256{1}, bc).permit.has_value());
}

TEST(RiskManager, BreakerOpensAfterNFailuresInTheWindowAndCoolsDown) {
    TestClock clock;
    RiskLimits limits;
    limits.max_in_flight = 0;
    limits.breaker_failures = 3;
    limits.breaker_window = 60s;
    limits.breaker_cool_down = 300s;
    RiskManager risk(limits, clock.fn());
    int opened = 0;
    risk.on_breaker_open([&](unsigned n) {
        EXPECT_EQ(n, 3U);
        ++opened;
    });
    const Address p[] = {pool(1)};
    const auto fail_one = [&] { risk.request(U256{1}, p).permit->finish(false); };
    fail_one();
    fail_one();
    clock.now += 61s;  // those two leave the window
    fail_one();
    fail_one();
    EXPECT_FALSE(risk.breaker_open());
    fail_one();  // three within 60 s
    EXPECT_TRUE(risk.breaker_open());
    EXPECT_EQ(opened, 1);
    EXPECT_NE(risk.request(U256{1}, p).refusal.find("circuit breaker"), std::string::npos);
    clock.now += 299s;
    EXPECT_TRUE(risk.breaker_open());
    clock.now += 1s;
    EXPECT_FALSE(risk.breaker_open());
    EXPECT_TRUE(risk.request(U256{1}, p).permit.has_value());
    EXPECT_EQ(risk.counters().breaker_trips, 1U);
}

}  // namespace
