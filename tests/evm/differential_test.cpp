// SPDX-License-Identifier: Apache-2.0
// The differential test against the real contracts: tools/evm/differential.js ran random swaps
// through the unmodified Uniswap V2 and V3 bytecode on a local Hardhat node and recorded each
// pool's state before the swap and what the contract did (ctest runs it as the setup of this
// test). Here every swap is recomputed with macf's math and compared to the wei.
#include <gtest/gtest.h>

#include "../dex/test_text.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "macf/dex/u256_text.hpp"
#include "macf/dex/uniswap_v2.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace {

using macf::dex::U256;
using macf::dex::V3Status;

__extension__ typedef unsigned __int128 UInt128;

std::string record_path() {
    const char* env = std::getenv("MACF_EVM_RECORD");
    return env != nullptr ? env : MACF_EVM_RECORD_DEFAULT;
}

U256 u(const std::string& s) { return macf::test::u256(s); }

/// "-123" → (true, 123).
std::pair<bool, U256> signed_value(const std::string& text) {
    if (!text.empty() && text[0] == '-') return {true, u(text.substr(1))};
    return {false, u(text)};
}

macf::dex::Int128 int128_of(const std::string& text) {
    const auto [negative, mag] = signed_value(text);
    const auto m =
        static_cast<macf::dex::Int128>((static_cast<UInt128>(mag.w[1]) << 64) | mag.w[0]);
    return negative ? -m : m;
}

struct Record {
    std::vector<std::string> v2;
    std::vector<std::string> v3;
};

Record load() {
    Record r;
    std::ifstream in(record_path());
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("v2 ", 0) == 0) r.v2.push_back(line);
        if (line.rfind("v3 ", 0) == 0) r.v3.push_back(line);
    }
    return r;
}

class EvmDifferential : public ::testing::Test {
  protected:
    void SetUp() override {
        record_ = load();
        if (record_.v2.empty() && record_.v3.empty()) {
            GTEST_SKIP() << "no differential record at " << record_path()
                         << ": ctest records it first with tools/evm/with-node.sh (needs the npm "
                            "packages of tools/evm: scripts/setup.sh test installs them)";
        }
    }
    Record record_;
};

TEST_F(EvmDifferential, UniswapV2SwapsMatchTheContractToTheWei) {
    ASSERT_GE(record_.v2.size(), 500U);
    std::size_t zero_out = 0;
    for (const auto& line : record_.v2) {
        SCOPED_TRACE(line);
        std::istringstream ss(line);
        std::string tag, r0, r1, dir, amount_in, out, reason;
        ASSERT_TRUE(ss >> tag >> r0 >> r1 >> dir >> amount_in >> out >> reason);
        const bool zero_for_one = dir == "1";
        U256 ours;
        const auto status = macf::dex::v2_get_amount_out(u(amount_in), u(zero_for_one ? r0 : r1),
                                                         u(zero_for_one ? r1 : r0),
                                                         macf::dex::v2_fee_from_bps(30), ours);
        ASSERT_EQ(status, macf::dex::V2Status::kOk);
        // The pair accepted `out` (or `out` is 0) and rejected `out + 1`.
        EXPECT_EQ(macf::dex::to_string(ours), out);
        EXPECT_TRUE(reason == "UniswapV2:_K" || reason == "UniswapV2:_INSUFFICIENT_LIQUIDITY")
            << reason;
        if (ours.is_zero()) ++zero_out;
    }
    std::printf("[ compared ] %zu Uniswap V2 swaps (%zu with zero output)\n", record_.v2.size(),
                zero_out);
}

TEST_F(EvmDifferential, UniswapV3SwapsMatchTheContractToTheWei) {
    ASSERT_GE(record_.v3.size(), 500U);
    std::size_t ok = 0;
    std::size_t reverted = 0;
    std::size_t crossings = 0;
    std::size_t words = 0;
    for (const auto& line : record_.v3) {
        SCOPED_TRACE(line.substr(0, 400));
        std::istringstream ss(line);
        std::string tag, fee, spacing, sqrt_price, liquidity, tick, count;
        ASSERT_TRUE(ss >> tag >> fee >> spacing >> sqrt_price >> liquidity >> tick >> count);
        std::vector<macf::dex::V3Tick> ticks(std::stoul(count));
        for (auto& t : ticks) {
            std::string at, net;
            ASSERT_TRUE(ss >> at >> net);
            t.tick = std::stoi(at);
            t.liquidity_net = int128_of(net);
        }
        std::string dir, exact, amount, limit, outcome;
        ASSERT_TRUE(ss >> dir >> exact >> amount >> limit >> outcome);
        macf::dex::V3PoolView pool;
        pool.sqrt_price_x96 = u(sqrt_price);
        pool.liquidity = u(liquidity);
        pool.tick = std::stoi(tick);
        pool.fee_pips = static_cast<std::uint32_t>(std::stoul(fee));
        pool.tick_spacing = std::stoi(spacing);
        pool.ticks = ticks.data();
        pool.tick_count = ticks.size();
        const bool zero_for_one = dir == "1";
        const auto r = macf::dex::v3_swap(pool, zero_for_one, exact == "1", u(amount), u(limit));
        if (outcome == "revert") {
            std::string reason;
            ss >> reason;
            ++reverted;
            if (reason == "SPL")
                EXPECT_EQ(r.status, V3Status::kPriceLimit);
            else if (reason == "AS")
                EXPECT_EQ(r.status, V3Status::kZeroAmount);
            else
                EXPECT_NE(r.status, V3Status::kOk) << "the contract reverted: " << reason;
            continue;
        }
        ASSERT_EQ(outcome, "ok");
        std::string a0, a1, price_after, liquidity_after, tick_after;
        ASSERT_TRUE(ss >> a0 >> a1 >> price_after >> liquidity_after >> tick_after);
        ASSERT_EQ(r.status, V3Status::kOk);
        const auto [neg0, mag0] = signed_value(a0);
        const auto [neg1, mag1] = signed_value(a1);
        EXPECT_EQ(macf::dex::to_string(r.amount_in),
                  macf::dex::to_string(zero_for_one ? mag0 : mag1));
        EXPECT_EQ(macf::dex::to_string(r.amount_out),
                  macf::dex::to_string(zero_for_one ? mag1 : mag0));
        EXPECT_FALSE(zero_for_one ? neg0 : neg1);
        EXPECT_EQ(macf::dex::to_string(r.sqrt_price_x96), price_after);
        EXPECT_EQ(macf::dex::to_string(r.liquidity), liquidity_after);
        EXPECT_EQ(r.tick, std::stoi(tick_after));
        ++ok;
        crossings += r.ticks_crossed;
        words += r.steps;
    }
    std::printf(
        "[ compared ] %zu Uniswap V3 swaps: %zu executed (%zu loop steps, %zu initialized "
        "ticks crossed), %zu reverted\n",
        record_.v3.size(), ok, words, crossings, reverted);
}

}  // namespace
