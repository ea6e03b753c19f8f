// SPDX-License-Identifier: Apache-2.0
// Execution plans: each flash source's fee with its lender's rounding, the execute() call
// data laid out as the ABI says (checked word by word and hop by hop), and the choice of the
// cheapest source that can lend and is not in the route.
#include <gtest/gtest.h>

#include "macf/chain/abi.hpp"
#include "macf/chain/executor_route.hpp"

namespace {

using macf::chain::Address;
using macf::chain::FlashSource;
using macf::chain::FlashSourceKind;
using macf::dex::U256;

Address addr(std::uint8_t b) {
    Address a;
    a.bytes.fill(b);
    return a;
}

TEST(ExecutorRoute, FlashFeesRoundAsTheLenders) {
    const auto fee = [](FlashSourceKind k, std::uint64_t f, std::uint64_t amount) {
        return *macf::chain::flash_fee(FlashSource{k, {}, U256{f}, {}}, U256{amount});
    };
    // V2: the smallest repayment r with 997·r ≥ 1000·amount.
    EXPECT_EQ(fee(FlashSourceKind::kUniswapV2, 30, 997), U256{3});
    EXPECT_EQ(fee(FlashSourceKind::kUniswapV2, 30, 998), U256{4});  // ceil(998000/997) = 1001
    EXPECT_EQ(fee(FlashSourceKind::kUniswapV3, 500, 1000000), U256{500});
    EXPECT_EQ(fee(FlashSourceKind::kUniswapV3, 500, 1000001), U256{501});
    EXPECT_EQ(fee(FlashSourceKind::kBalancer, 0, 123456789), U256{});
    EXPECT_EQ(fee(FlashSourceKind::kAave, 5, 10000), U256{5});
    EXPECT_EQ(fee(FlashSourceKind::kAave, 5, 1000), U256{1});  // 0.5 rounds half up
    EXPECT_EQ(fee(FlashSourceKind::kAave, 5, 999), U256{0});
    EXPECT_FALSE(macf::chain::flash_fee(
                     FlashSource{FlashSourceKind::kUniswapV2, {}, U256{10000}, {}}, U256{1})
                     .has_value());
}

TEST(ExecutorRoute, CalldataFollowsTheAbi) {
    macf::chain::ExecutionPlan plan;
    plan.source = FlashSource{FlashSourceKind::kUniswapV2, addr(0x11), U256{25}, U256{}};
    plan.token = addr(0x22);
    plan.amount = U256{1000};
    plan.min_profit = U256{7};
    plan.hops = {{macf::chain::RouteHopKind::kUniswapV2, addr(0x33), addr(0x44), 30},
                 {macf::chain::RouteHopKind::kUniswapV3, addr(0x55), addr(0x22), 0}};
    const auto data = macf::chain::execute_calldata(plan);
    const auto sel =
        macf::chain::selector("execute(uint8,address,uint256,address,uint256,uint256,bytes)");
    ASSERT_EQ(data.size(), 4U + 8 * 32 + 96);  // 86 packed bytes padded to 96
    EXPECT_TRUE(std::equal(sel.begin(), sel.end(), data.begin()));
    const macf::chain::AbiReader r(std::span<const std::uint8_t>(data).subspan(4));
    EXPECT_EQ(r.uint(0), U256{0});
    EXPECT_EQ(r.address(1), addr(0x11));
    EXPECT_EQ(r.uint(2), U256{25});
    EXPECT_EQ(r.address(3), addr(0x22));
    EXPECT_EQ(r.uint(4), U256{1000});
    EXPECT_EQ(r.uint(5), U256{7});
    EXPECT_EQ(r.uint(6), U256{224});
    EXPECT_EQ(r.uint(7), U256{86});
    const std::uint8_t* hops = data.data() + 4 + 8 * 32;
    EXPECT_EQ(hops[0], 0);
    EXPECT_EQ(hops[1], 0x33);
    EXPECT_EQ(hops[21], 0x44);
    EXPECT_EQ(hops[42], 30);
    EXPECT_EQ(hops[43], 1);
    EXPECT_EQ(hops[44], 0x55);
    EXPECT_EQ(hops[86], 0);  // padding
    plan.hops.clear();
    EXPECT_THROW(macf::chain::execute_calldata(plan), std::invalid_argument);
}

TEST(ExecutorRoute, PicksTheCheapestSourceThatCanLendOutsideTheRoute) {
    const std::vector<FlashSource> sources = {
        {FlashSourceKind::kUniswapV2, addr(1), U256{30}, U256{1000000}},
        {FlashSourceKind::kUniswapV3, addr(2), U256{3000}, U256{1000000}},
        {FlashSourceKind::kBalancer, addr(3), U256{0}, U256{100}},
        {FlashSourceKind::kAave, addr(4), U256{5}, U256{1000000}},
    };
    const Address none[] = {addr(9)};
    auto pick = macf::chain::pick_flash_source(sources, U256{50}, none);
    EXPECT_EQ(pick->kind, FlashSourceKind::kBalancer);  // free and deep enough
    pick = macf::chain::pick_flash_source(sources, U256{100000}, none);
    EXPECT_EQ(pick->kind, FlashSourceKind::kAave);  // 5 bps beats 30
    const Address route[] = {addr(4)};
    pick = macf::chain::pick_flash_source(sources, U256{100000}, route);
    EXPECT_EQ(pick->kind, FlashSourceKind::kUniswapV3);
    EXPECT_FALSE(macf::chain::pick_flash_source(sources, U256{2000000}, none).has_value());
}

}  // namespace
