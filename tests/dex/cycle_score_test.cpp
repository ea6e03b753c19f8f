// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "macf/dex/cycle_score.hpp"

namespace {

using macf::dex::HopCoeffs;

/// Output of a chain of constant-product hops applied one by one (no closed form).
double chain_output(const std::vector<std::array<double, 2>>& reserves, double gamma, double x) {
    for (const auto& r : reserves) x = gamma * r[1] * x / (r[0] + gamma * x);
    return x;
}

// The numeric check of notes/algorithms.md §1.3: reserves (1000,2000), (3000,1500),
// (1000,1100)·10^18 with γ = 0.997 give a = 1.09013, x* = 16.6344·10^18, P* = 0.733456·10^18.
TEST(CycleScore, ClosedFormMatchesWorkedExample) {
    const double e = 1e18;
    const std::vector<std::array<double, 2>> r = {
        {1000 * e, 2000 * e}, {3000 * e, 1500 * e}, {1000 * e, 1100 * e}};
    std::vector<HopCoeffs> edges;
    for (const auto& x : r) edges.push_back(macf::dex::constant_product_hop(x[0], x[1], 0.997));
    const unsigned ids[] = {0, 1, 2};
    const auto p = macf::dex::make_score_params(0.0, 0.0);
    const auto s = macf::dex::score_cycle(ids, 3, edges.data(), p);
    EXPECT_NEAR(s.input / e, 16.6344, 1e-4);
    EXPECT_NEAR(s.net_profit / e, 0.733456, 1e-6);
    // The closed form is the true optimum of the hop-by-hop chain.
    const double at = chain_output(r, 0.997, s.input) - s.input;
    EXPECT_NEAR(at / e, s.net_profit / e, 1e-9);
    for (const double f : {0.9, 0.99, 1.01, 1.1}) {
        EXPECT_LT(chain_output(r, 0.997, s.input * f) - s.input * f, at);
    }
}

TEST(CycleScore, CompositionMatchesHopByHopOnRandomCycles) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> dist(1e18, 1e24);
    for (int i = 0; i < 2000; ++i) {
        const unsigned k = 2 + static_cast<unsigned>(rng() % 3);
        std::vector<std::array<double, 2>> r;
        std::vector<HopCoeffs> edges;
        for (unsigned h = 0; h < k; ++h) {
            r.push_back({dist(rng), dist(rng)});
            edges.push_back(macf::dex::constant_product_hop(r.back()[0], r.back()[1], 0.997));
        }
        double a = 1;
        double c = 0;
        for (const auto& e : edges) macf::dex::compose_hop(a, c, e);
        const double x = 1e18;
        EXPECT_NEAR(a * x / (1 + c * x) / chain_output(r, 0.997, x), 1.0, 1e-12);
    }
}

TEST(CycleScore, FlashFeeAndGas) {
    // Two hops: a = 1.1 exactly-ish. With a 5 % flash fee the optimum uses √(a/1.05).
    const double e = 1e18;
    std::vector<HopCoeffs> edges = {macf::dex::constant_product_hop(100 * e, 110 * e, 1.0),
                                    macf::dex::constant_product_hop(100 * e, 100 * e, 1.0)};
    const unsigned ids[] = {0, 1};
    const auto none =
        macf::dex::score_cycle(ids, 2, edges.data(), macf::dex::make_score_params(0, 0));
    const auto fee =
        macf::dex::score_cycle(ids, 2, edges.data(), macf::dex::make_score_params(0.05, 0));
    EXPECT_GT(none.net_profit, fee.net_profit);
    EXPECT_LT(fee.input, none.input);
    // Profit net of the fee equals output − 1.05·input at the optimum.
    const std::vector<std::array<double, 2>> r = {{100 * e, 110 * e}, {100 * e, 100 * e}};
    EXPECT_NEAR(fee.net_profit / e, (chain_output(r, 1.0, fee.input) - 1.05 * fee.input) / e, 1e-9);
    // A flash fee above the edge makes it unprofitable: zero input, minus the gas.
    const auto dead =
        macf::dex::score_cycle(ids, 2, edges.data(), macf::dex::make_score_params(0.2, 7.0));
    EXPECT_EQ(dead.input, 0.0);
    EXPECT_EQ(dead.net_profit, -7.0);
    const auto gas =
        macf::dex::score_cycle(ids, 2, edges.data(), macf::dex::make_score_params(0, 1e15));
    EXPECT_DOUBLE_EQ(gas.net_profit, none.net_profit - 1e15);
}

TEST(CycleScore, EmptyPoolNeverProfitable) {
    const HopCoeffs empty = macf::dex::constant_product_hop(0.0, 1e18, 0.997);
    EXPECT_EQ(empty.a, 0.0);
    EXPECT_EQ(empty.c, 0.0);
    std::vector<HopCoeffs> edges = {macf::dex::constant_product_hop(1e18, 5e18, 0.997), empty};
    const unsigned ids[] = {0, 1};
    const auto s = macf::dex::score_cycle(ids, 2, edges.data(), macf::dex::make_score_params(0, 0));
    EXPECT_EQ(s.input, 0.0);
    EXPECT_FALSE(std::isnan(s.net_profit));
}

}  // namespace
