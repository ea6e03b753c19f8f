// SPDX-License-Identifier: Apache-2.0
// Logs decoded into PoolUpdate values: the one (kind, topic) dispatch of the follower. Each
// event of a followed kind yields its change; events that change nothing yield none; a
// malformed log of a known topic is an error, never a partial update.

#include <gtest/gtest.h>

#include <variant>

#include "macf/chain/abi.hpp"
#include "macf/host/sync/pool_update.hpp"

namespace {

using macf::chain::LogEntry;
using macf::chain::word_of;
using macf::dex::I256;
using macf::dex::U256;
using macf::host::PoolKind;

LogEntry log_of(const macf::chain::Hash32& topic0, std::vector<macf::chain::Word> data,
                std::vector<macf::chain::Hash32> more_topics = {}) {
    LogEntry log;
    log.topics.push_back(topic0);
    for (const auto& t : more_topics) log.topics.push_back(t);
    for (const auto& w : data) log.data.insert(log.data.end(), w.begin(), w.end());
    return log;
}

macf::chain::Hash32 topic_word(const macf::chain::Word& w) {
    macf::chain::Hash32 h;
    std::copy(w.begin(), w.end(), h.begin());
    return h;
}

TEST(PoolUpdate, V2SyncCarriesTheReserves) {
    const auto& t = macf::chain::dex_topics();
    const auto u = macf::host::decode_pool_log(
        log_of(t.v2_sync, {word_of(U256{1000}), word_of(U256{2000})}), 7, PoolKind::kUniswapV2);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->pool, 7U);
    const auto* sync = std::get_if<macf::chain::V2Sync>(&u->change);
    ASSERT_NE(sync, nullptr);
    EXPECT_EQ(sync->reserve0, U256{1000});
    EXPECT_EQ(sync->reserve1, U256{2000});
    // A V2 Swap changes nothing by itself: the Sync after it says it all.
    EXPECT_FALSE(macf::host::decode_pool_log(log_of(t.v2_swap, {}), 7, PoolKind::kUniswapV2));
    // The V3 Swap topic on a V2 pool is not a V2 event.
    EXPECT_FALSE(macf::host::decode_pool_log(log_of(t.v3_swap, {}), 7, PoolKind::kUniswapV2));
}

TEST(PoolUpdate, V3EventsCarryPriceTickAndLiquidity) {
    const auto& t = macf::chain::dex_topics();
    const macf::chain::Hash32 who{};
    const auto swap = macf::host::decode_pool_log(
        log_of(t.v3_swap,
               {word_of(I256{-5}), word_of(I256{9}), word_of(U256{1} << 96), word_of(U256{777}),
                word_of(I256{-887})},
               {who, who}),
        3, PoolKind::kUniswapV3);
    ASSERT_TRUE(swap);
    const auto& s = std::get<macf::chain::V3Swap>(swap->change);
    EXPECT_EQ(s.sqrt_price_x96, U256{1} << 96);
    EXPECT_EQ(s.liquidity, U256{777});
    EXPECT_EQ(s.tick, -887);

    const auto mint_log = [&](std::uint64_t amount) {
        return log_of(t.v3_mint,
                      {word_of(U256{}), word_of(U256{amount}), word_of(U256{1}), word_of(U256{2})},
                      {who, topic_word(word_of(I256{-60})), topic_word(word_of(I256{120}))});
    };
    const auto mint = macf::host::decode_pool_log(mint_log(42), 3, PoolKind::kUniswapV3);
    ASSERT_TRUE(mint);
    const auto& m = std::get<macf::host::V3LiquidityUpdate>(mint->change);
    EXPECT_TRUE(m.added);
    EXPECT_EQ(m.change.tick_lower, -60);
    EXPECT_EQ(m.change.tick_upper, 120);
    EXPECT_EQ(m.change.amount, U256{42});
    // A zero-amount Mint/Burn is a poke to collect fees: no change.
    EXPECT_FALSE(macf::host::decode_pool_log(mint_log(0), 3, PoolKind::kUniswapV3));
}

TEST(PoolUpdate, MalformedLogsAreErrorsAndOtherKindsYieldNothing) {
    const auto& t = macf::chain::dex_topics();
    // A Sync with one word of data instead of two.
    EXPECT_THROW((void)macf::host::decode_pool_log(log_of(t.v2_sync, {word_of(U256{1})}), 0,
                                                   PoolKind::kUniswapV2),
                 macf::chain::AbiError);
    // Curve and Balancer pools are read again on their events, not decoded.
    for (const auto kind :
         {PoolKind::kCurveStable, PoolKind::kBalancerWeighted, PoolKind::kBalancerStable}) {
        EXPECT_FALSE(macf::host::decode_pool_log(
            log_of(t.v2_sync, {word_of(U256{1}), word_of(U256{2})}), 0, kind));
    }
    // An anonymous log (no topics) changes nothing and does not crash.
    EXPECT_FALSE(macf::host::decode_pool_log(LogEntry{}, 0, PoolKind::kUniswapV3));
}

}  // namespace
