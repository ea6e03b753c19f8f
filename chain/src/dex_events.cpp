// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/dex_events.hpp"

#include <string>

namespace macf::chain {
namespace {

void expect_shape(const LogEntry& log, const Hash32& topic0, std::size_t topics, std::size_t words,
                  const char* name) {
    if (log.topics.empty() || log.topics[0] != topic0) {
        throw AbiError(std::string("not a ") + name + " log");
    }
    if (log.topics.size() != topics || log.data.size() != words * 32) {
        throw AbiError(std::string(name) + " log with " + std::to_string(log.topics.size()) +
                       " topics and " + std::to_string(log.data.size()) + " data bytes");
    }
}

AbiReader topic_reader(const LogEntry& log, std::size_t i) {
    return AbiReader(std::span<const std::uint8_t>(log.topics[i].data(), 32));
}

std::int32_t int24_of(const dex::I256& v) { return static_cast<std::int32_t>(dex::low_int64(v)); }

}  // namespace

const DexTopics& dex_topics() {
    static const DexTopics kTopics{
        event_topic("PairCreated(address,address,address,uint256)"),
        event_topic("Sync(uint112,uint112)"),
        event_topic("Swap(address,uint256,uint256,uint256,uint256,address)"),
        event_topic("Mint(address,uint256,uint256)"),
        event_topic("Burn(address,uint256,uint256,address)"),
        event_topic("PoolCreated(address,address,uint24,int24,address)"),
        event_topic("Initialize(uint160,int24)"),
        event_topic("Swap(address,address,int256,int256,uint160,uint128,int24)"),
        event_topic("Mint(address,address,int24,int24,uint128,uint256,uint256)"),
        event_topic("Burn(address,int24,int24,uint128,uint256,uint256)"),
    };
    return kTopics;
}

V2PairCreated decode_v2_pair_created(const LogEntry& log) {
    expect_shape(log, dex_topics().v2_pair_created, 3, 2, "PairCreated");
    const AbiReader data(log.data);
    return {topic_reader(log, 1).address(0), topic_reader(log, 2).address(0), data.address(0)};
}

V2Sync decode_v2_sync(const LogEntry& log) {
    expect_shape(log, dex_topics().v2_sync, 1, 2, "Sync");
    const AbiReader data(log.data);
    return {data.uint(0, 112), data.uint(1, 112)};
}

V2Swap decode_v2_swap(const LogEntry& log) {
    expect_shape(log, dex_topics().v2_swap, 3, 4, "V2 Swap");
    const AbiReader data(log.data);
    return {data.uint(0), data.uint(1), data.uint(2), data.uint(3)};
}

V2LiquidityChange decode_v2_mint(const LogEntry& log) {
    expect_shape(log, dex_topics().v2_mint, 2, 2, "V2 Mint");
    const AbiReader data(log.data);
    return {data.uint(0), data.uint(1)};
}

V2LiquidityChange decode_v2_burn(const LogEntry& log) {
    expect_shape(log, dex_topics().v2_burn, 3, 2, "V2 Burn");
    const AbiReader data(log.data);
    return {data.uint(0), data.uint(1)};
}

V3PoolCreated decode_v3_pool_created(const LogEntry& log) {
    expect_shape(log, dex_topics().v3_pool_created, 4, 2, "PoolCreated");
    const AbiReader data(log.data);
    V3PoolCreated e;
    e.token0 = topic_reader(log, 1).address(0);
    e.token1 = topic_reader(log, 2).address(0);
    e.fee = static_cast<std::uint32_t>(topic_reader(log, 3).uint(0, 24).w[0]);
    e.tick_spacing = int24_of(data.sint(0, 24));
    e.pool = data.address(1);
    // The factory's own bounds (UniswapV3Factory: fee < 10^6, 0 < tickSpacing < 16384); a log
    // outside them did not come from it.
    if (e.fee >= 1'000'000)
        throw AbiError("PoolCreated: fee " + std::to_string(e.fee) + " is not below 10^6");
    if (e.tick_spacing <= 0 || e.tick_spacing >= 16384)
        throw AbiError("PoolCreated: tick spacing " + std::to_string(e.tick_spacing) +
                       " is outside 1..16383");
    return e;
}

V3Initialize decode_v3_initialize(const LogEntry& log) {
    expect_shape(log, dex_topics().v3_initialize, 1, 2, "Initialize");
    const AbiReader data(log.data);
    return {data.uint(0, 160), int24_of(data.sint(1, 24))};
}

V3Swap decode_v3_swap(const LogEntry& log) {
    expect_shape(log, dex_topics().v3_swap, 3, 5, "V3 Swap");
    const AbiReader data(log.data);
    V3Swap e;
    e.amount0 = data.sint(0);
    e.amount1 = data.sint(1);
    e.sqrt_price_x96 = data.uint(2, 160);
    e.liquidity = data.uint(3, 128);
    e.tick = int24_of(data.sint(4, 24));
    return e;
}

V3PositionChange decode_v3_mint(const LogEntry& log) {
    expect_shape(log, dex_topics().v3_mint, 4, 4, "V3 Mint");
    const AbiReader data(log.data);
    return {int24_of(topic_reader(log, 2).sint(0, 24)), int24_of(topic_reader(log, 3).sint(0, 24)),
            data.uint(1, 128)};
}

V3PositionChange decode_v3_burn(const LogEntry& log) {
    expect_shape(log, dex_topics().v3_burn, 4, 3, "V3 Burn");
    const AbiReader data(log.data);
    return {int24_of(topic_reader(log, 2).sint(0, 24)), int24_of(topic_reader(log, 3).sint(0, 24)),
            data.uint(0, 128)};
}

}  // namespace macf::chain
