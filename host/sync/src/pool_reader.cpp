// SPDX-License-Identifier: Apache-2.0
// ChainSync's state reads at one block: tokens, V2/V3 states in JSON-RPC batches (slot0,
// liquidity, tick-bitmap words, ticks), the watched Curve and Balancer pools.
#include "macf/host/sync/chain_sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/model/safe_text.hpp"
#include "sync_detail.hpp"

namespace macf::host {

void ChainSync::fetch_tokens(const std::vector<Address>& tokens, std::uint64_t block) {
    if (tokens.empty()) return;
    std::vector<chain::RpcCall> calls;
    for (const auto& t : tokens) {
        calls.push_back(
            {"eth_call", eth_call_params(t, chain::encode_call("decimals()", {}), block)});
        calls.push_back(
            {"eth_call", eth_call_params(t, chain::encode_call("symbol()", {}), block)});
    }
    const auto results = rpc_.batch(calls);
    eth_calls_ += calls.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Token& token = market_.tokens[token_index_.at(tokens[i])];
        try {
            const auto d = result_bytes(results[2 * i], "decimals()");
            token.decimals = static_cast<std::uint8_t>(AbiReader(d).uint(0, 8).w[0]);
        } catch (const std::exception& e) {
            spdlog::warn("token {}: no decimals() ({}); assuming 18", tokens[i].to_hex(), e.what());
        }
        try {
            const auto s = result_bytes(results[2 * i + 1], "symbol()");
            token.symbol = safe_text(AbiReader(s).string(0));  // display text, escaped
        } catch (const std::exception& e) {
            spdlog::warn("token {}: no symbol() ({})", tokens[i].to_hex(), e.what());
        }
    }
}
void ChainSync::fetch_pool_states(const std::vector<std::uint32_t>& pools, std::uint64_t block,
                                  const SyncProgress& progress) {
    const auto v3_live = read_pool_slots(pools, block);
    const auto ticks = read_tick_bitmaps(v3_live, block, progress);
    read_ticks(v3_live, ticks, block);
}
std::vector<std::uint32_t> ChainSync::read_pool_slots(const std::vector<std::uint32_t>& pools,
                                                      std::uint64_t block) {
    // Slot 0 of every pool: V2 reserves; V3 slot0 and liquidity.
    std::vector<chain::RpcCall> calls;
    for (const auto p : pools) {
        const Pool& pool = market_.pools[p];
        if (pool.kind == PoolKind::kUniswapV2) {
            calls.push_back(
                {"eth_call",
                 eth_call_params(pool.address, chain::encode_call("getReserves()", {}), block)});
        } else {
            calls.push_back(
                {"eth_call",
                 eth_call_params(pool.address, chain::encode_call("slot0()", {}), block)});
            calls.push_back(
                {"eth_call",
                 eth_call_params(pool.address, chain::encode_call("liquidity()", {}), block)});
        }
    }
    auto results = rpc_.batch(calls);
    eth_calls_ += calls.size();
    std::size_t k = 0;
    std::vector<std::uint32_t> v3_live;
    for (const auto p : pools) {
        Pool& pool = market_.pools[p];
        const std::string what = "pool " + pool.address.to_hex();
        if (pool.kind == PoolKind::kUniswapV2) {
            const auto data = result_bytes(results[k++], what + " getReserves()");
            auto& s = std::get<UniswapV2State>(pool.state);
            s.reserve0 = AbiReader(data).uint(0, 112);
            s.reserve1 = AbiReader(data).uint(1, 112);
        } else {
            const auto slot0 = result_bytes(results[k++], what + " slot0()");
            const auto liquidity = result_bytes(results[k++], what + " liquidity()");
            auto& s = std::get<UniswapV3State>(pool.state);
            s.sqrt_price_x96 = AbiReader(slot0).uint(0, 160);
            s.tick = static_cast<std::int32_t>(dex::low_int64(AbiReader(slot0).sint(1, 24)));
            s.liquidity = AbiReader(liquidity).uint(0, 128);
            if (!s.sqrt_price_x96.is_zero()) v3_live.push_back(p);
        }
    }
    return v3_live;
}
std::vector<std::pair<std::uint32_t, std::int32_t>> ChainSync::read_tick_bitmaps(
    const std::vector<std::uint32_t>& v3_live, std::uint64_t block, const SyncProgress& progress) {
    // Every tick-bitmap word of the initialized V3 pools: read in the EVM, only the non-zero
    // words coming back, or else one eth_call per word.
    std::vector<BitmapRange> ranges;
    for (const auto p : v3_live) {
        const auto& s = std::get<UniswapV3State>(market_.pools[p].state);
        ranges.push_back({market_.pools[p].address,
                          floor_div(floor_div(dex::kMinTick, s.tick_spacing), 256),
                          floor_div(floor_div(dex::kMaxTick, s.tick_spacing), 256)});
    }
    std::vector<std::pair<std::uint32_t, U256>> words_bits;  // (index into v3_live, bits)
    std::vector<std::int32_t> word_positions;
    std::size_t total = 0;
    for (const auto& r : ranges) total += static_cast<std::size_t>(r.last_word - r.first_word + 1);
    std::optional<std::vector<BitmapWord>> in_evm;
    if (config_.bitmaps_in_evm && !ranges.empty()) {
        if (progress) progress("tick-bitmap words, read in the EVM", 0, total);
        in_evm = read_bitmaps_in_evm(rpc_, ranges, block, eth_calls_);
        if (!in_evm)
            spdlog::warn(
                "the node refused the tick-bitmap reader (eth_call of creation code); "
                "reading the {} words one call each",
                total);
    }
    if (in_evm) {
        for (const auto& w : *in_evm) {
            words_bits.emplace_back(static_cast<std::uint32_t>(w.range), w.bits);
            word_positions.push_back(w.word);
        }
        if (progress) progress("tick-bitmap words, read in the EVM", total, total);
    } else {
        std::vector<chain::RpcCall> calls;
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            for (std::int32_t w = ranges[i].first_word; w <= ranges[i].last_word; ++w) {
                const Word arg = chain::word_of(dex::I256{w});
                calls.push_back({"eth_call", eth_call_params(ranges[i].pool,
                                                             chain::encode_call("tickBitmap(int16)",
                                                                                std::span(&arg, 1)),
                                                             block)});
                words_bits.emplace_back(static_cast<std::uint32_t>(i), U256{});
                word_positions.push_back(w);
            }
        }
        if (progress) progress("tick-bitmap words", 0, calls.size());
        const auto results = rpc_.batch(calls);
        eth_calls_ += calls.size();
        if (progress) progress("tick-bitmap words", calls.size(), calls.size());
        for (std::size_t i = 0; i < results.size(); ++i)
            words_bits[i].second = AbiReader(result_bytes(results[i], "tickBitmap")).uint(0);
    }
    std::vector<std::pair<std::uint32_t, std::int32_t>> ticks;  // (pool, initialized tick)
    for (std::size_t i = 0; i < words_bits.size(); ++i) {
        const std::uint32_t p = v3_live[words_bits[i].first];
        const U256& bits = words_bits[i].second;
        const std::int32_t w = word_positions[i];
        const auto spacing = std::get<UniswapV3State>(market_.pools[p].state).tick_spacing;
        for (unsigned b = 0; b < 256; ++b) {
            if (((bits >> b).w[0] & 1U) == 0) continue;
            ticks.emplace_back(p, (w * 256 + static_cast<std::int32_t>(b)) * spacing);
        }
    }
    return ticks;
}
void ChainSync::read_ticks(const std::vector<std::uint32_t>& v3_live,
                           const std::vector<std::pair<std::uint32_t, std::int32_t>>& ticks,
                           std::uint64_t block) {
    // liquidityGross and liquidityNet of every initialized tick.
    std::vector<chain::RpcCall> calls;
    for (const auto& [p, t] : ticks) {
        const Word arg = chain::word_of(dex::I256{t});
        calls.push_back(
            {"eth_call",
             eth_call_params(market_.pools[p].address,
                             chain::encode_call("ticks(int24)", std::span(&arg, 1)), block)});
    }
    const auto results = rpc_.batch(calls);
    eth_calls_ += calls.size();
    for (const auto p : v3_live) {
        gross_[p].clear();
        net_[p].clear();
    }
    for (std::size_t i = 0; i < ticks.size(); ++i) {
        const auto [p, t] = ticks[i];
        const auto data = result_bytes(results[i], "ticks");
        const AbiReader r(data);
        gross_[p][t] = r.uint(0, 128);
        net_[p][t] = int128_of(r.sint(1, 128));
    }
    for (const auto p : v3_live) rebuild_ticks(p);
}
void ChainSync::rebuild_ticks(std::uint32_t pool) {
    auto& s = std::get<UniswapV3State>(market_.pools[pool].state);
    s.ticks.clear();
    const auto& gross = gross_[pool];
    auto& net = net_[pool];
    for (const auto& [t, g] : gross) {
        if (!g.is_zero()) s.ticks.push_back({t, net[t]});
    }
}
std::vector<decltype(Pool::state)> ChainSync::read_watched(const std::vector<std::uint32_t>& pools,
                                                           std::uint64_t block) {
    std::vector<chain::RpcCall> calls;
    std::vector<std::size_t> first;  // index of each pool's first call
    for (const auto p : pools) {
        const Pool& pool = market_.pools[p];
        first.push_back(calls.size());
        if (const auto* c = std::get_if<CurveStableState>(&pool.state)) {
            for (std::size_t k = 0; k < c->balances.size(); ++k) {
                const Word arg = chain::word_of(U256{k});
                calls.push_back({"eth_call", eth_call_params(pool.address,
                                                             chain::encode_call("balances(uint256)",
                                                                                std::span(&arg, 1)),
                                                             block)});
            }
            const char* amp = c->a_precision == 1 ? "A()" : "A_precise()";
            calls.push_back(
                {"eth_call", eth_call_params(pool.address, chain::encode_call(amp, {}), block)});
            calls.push_back({"eth_call", eth_call_params(pool.address,
                                                         chain::encode_call("fee()", {}), block)});
        } else {
            Hash32 id{};
            for (const auto& [key, index] : balancer_ids_) {
                if (index == p) id = key;
            }
            const Word arg = chain::word_of(chain::u256_of(id));
            calls.push_back(
                {"eth_call",
                 eth_call_params(config_.balancer_vault,
                                 chain::encode_call("getPoolTokens(bytes32)", std::span(&arg, 1)),
                                 block)});
            calls.push_back(
                {"eth_call",
                 eth_call_params(pool.address, chain::encode_call("getSwapFeePercentage()", {}),
                                 block)});
        }
    }
    const auto results = rpc_.batch(calls);
    eth_calls_ += calls.size();
    std::vector<decltype(Pool::state)> states;
    for (std::size_t i = 0; i < pools.size(); ++i) {
        const Pool& pool = market_.pools[pools[i]];
        const std::string what = "watched pool " + pool.address.to_hex();
        std::size_t k = first[i];
        auto state = pool.state;
        if (auto* c = std::get_if<CurveStableState>(&state)) {
            for (auto& b : c->balances)
                b = AbiReader(result_bytes(results[k++], what + " balances")).uint(0);
            c->amp = AbiReader(result_bytes(results[k++], what + " A")).uint(0);
            c->fee = AbiReader(result_bytes(results[k++], what + " fee")).uint(0);
        } else {
            const auto data = result_bytes(results[k++], what + " getPoolTokens");
            const auto balances = AbiReader(data).uint_array(1);
            const U256 fee = AbiReader(result_bytes(results[k++], what + " fee")).uint(0);
            std::visit(
                [&](auto& s) {
                    using S = std::decay_t<decltype(s)>;
                    if constexpr (std::is_same_v<S, BalancerWeightedState> ||
                                  std::is_same_v<S, BalancerStableState>) {
                        if (balances.size() != s.balances.size()) {
                            throw SyncError(
                                what + ": the Vault lists " + std::to_string(balances.size()) +
                                " tokens, the snapshot " + std::to_string(s.balances.size()));
                        }
                        s.balances = balances;
                        s.swap_fee = fee;
                    }
                },
                state);
        }
        states.push_back(std::move(state));
    }
    return states;
}
void ChainSync::add_watched_pools(std::uint64_t block) {
    std::vector<std::uint32_t> added;
    std::vector<chain::RpcCall> id_calls;
    std::vector<std::uint32_t> balancer;
    for (const Pool& src : config_.watch.pools) {
        if (src.kind == PoolKind::kCurveMeta) {
            spdlog::warn("watched pool {}: Curve metapools are not followed on chain yet; left out",
                         src.address.to_hex());
            continue;
        }
        if (src.kind != PoolKind::kCurveStable && src.kind != PoolKind::kBalancerWeighted &&
            src.kind != PoolKind::kBalancerStable) {
            continue;  // V2/V3 pools are found from their factories
        }
        if (const auto known = pool_index_.find(src.address); known != pool_index_.end()) {
            added.push_back(known->second);  // a second bootstrap: read it again
            continue;
        }
        Pool pool = src;
        pool.tokens.clear();
        for (const auto t : src.tokens) {
            const Token& token = config_.watch.tokens.at(t);
            if (const auto it = token_index_.find(token.address); it != token_index_.end()) {
                pool.tokens.push_back(it->second);
            } else {
                const auto index = static_cast<std::uint32_t>(market_.tokens.size());
                market_.tokens.push_back(token);
                token_index_.emplace(token.address, index);
                pool.tokens.push_back(index);
            }
        }
        const auto index = static_cast<std::uint32_t>(market_.pools.size());
        pool_index_.emplace(pool.address, index);
        if (pool.kind == PoolKind::kCurveStable) {
            watched_.emplace(pool.address, index);
        } else {
            balancer.push_back(index);
            id_calls.push_back(
                {"eth_call",
                 eth_call_params(pool.address, chain::encode_call("getPoolId()", {}), block)});
        }
        market_.pools.push_back(std::move(pool));
        added.push_back(index);
    }
    if (added.empty()) return;
    const auto ids = id_calls.empty() ? std::vector<chain::RpcResult>{} : rpc_.batch(id_calls);
    eth_calls_ += id_calls.size();
    for (std::size_t i = 0; i < balancer.size(); ++i) {
        const auto data = result_bytes(ids[i], "getPoolId()");
        if (data.size() != 32) throw SyncError("getPoolId() did not return 32 bytes");
        Hash32 id{};
        std::copy(data.begin(), data.end(), id.begin());
        balancer_ids_[id] = balancer[i];
    }
    const auto states = read_watched(added, block);
    for (std::size_t i = 0; i < added.size(); ++i) market_.pools[added[i]].state = states[i];
}

}  // namespace macf::host
