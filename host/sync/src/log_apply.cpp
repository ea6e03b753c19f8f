// SPDX-License-Identifier: Apache-2.0
// ChainSync's events applied to the market: each log of a block (Sync, Swap, Mint, Burn,
// PoolCreated, ...) changes the pools it names, journaled for reorgs; new pools and tokens read.
#include "macf/host/sync/chain_sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/host/model/pool_state.hpp"
#include "sync_detail.hpp"

namespace macf::host {

void ChainSync::touch(std::uint32_t pool, JournalEntry& entry) {
    if (is_dirty_.size() <= pool) is_dirty_.resize(pool + 1, false);
    if (!is_dirty_[pool]) {
        is_dirty_[pool] = true;
        dirty_.push_back(pool);
    }
    for (const auto& t : entry.touched) {
        if (t.pool == pool) return;
    }
    entry.touched.push_back({pool, market_.pools[pool].state, gross_[pool]});
}
void ChainSync::apply_log(const chain::LogEntry& log, JournalEntry& entry, BlockReport& report) {
    const auto& topics = chain::dex_topics();
    const Hash32& topic0 = log.topics.front();
    if (const FactoryConfig* f = factory_of(log.address)) {
        std::vector<Address> unknown;  // their metadata is the caller's to fetch
        Pool pool;
        pool.dex = f->dex;
        if (f->kind == PoolKind::kUniswapV2 && topic0 == topics.v2_pair_created) {
            const auto e = chain::decode_v2_pair_created(log);
            if (pool_index_.count(e.pair) != 0) return;
            pool.address = e.pair;
            pool.kind = PoolKind::kUniswapV2;
            pool.tokens = {token_index(e.token0, unknown), token_index(e.token1, unknown)};
            pool.state = UniswapV2State{{}, {}, f->fee_bps};
        } else if (f->kind == PoolKind::kUniswapV3 && topic0 == topics.v3_pool_created) {
            const auto e = chain::decode_v3_pool_created(log);
            if (pool_index_.count(e.pool) != 0) return;
            pool.address = e.pool;
            pool.kind = PoolKind::kUniswapV3;
            pool.tokens = {token_index(e.token0, unknown), token_index(e.token1, unknown)};
            UniswapV3State s;
            s.fee_ppm = e.fee;
            s.tick_spacing = e.tick_spacing;
            pool.state = std::move(s);
        } else {
            return;
        }
        const auto index = static_cast<std::uint32_t>(market_.pools.size());
        pool_index_.emplace(pool.address, index);
        market_.pools.push_back(std::move(pool));
        ++report.pools_created;
        ++report.logs;
        (void)entry;
        return;
    }
    const auto it = pool_index_.find(log.address);
    if (it == pool_index_.end()) return;
    const std::uint32_t p = it->second;
    Pool& pool = market_.pools[p];
    if (pool.kind != PoolKind::kUniswapV2 && pool.kind != PoolKind::kUniswapV3) {
        return;  // watched Curve/Balancer pools are read again, not derived from the log
    }
    if (pool.kind == PoolKind::kUniswapV2) {
        if (topic0 != topics.v2_sync) return;  // Swap/Mint/Burn: the Sync that follows says it all
        const auto e = chain::decode_v2_sync(log);
        touch(p, entry);
        auto& s = std::get<UniswapV2State>(pool.state);
        s.reserve0 = e.reserve0;
        s.reserve1 = e.reserve1;
        ++report.logs;
        return;
    }
    auto& s = std::get<UniswapV3State>(pool.state);
    if (topic0 == topics.v3_swap) {
        const auto e = chain::decode_v3_swap(log);
        touch(p, entry);
        s.sqrt_price_x96 = e.sqrt_price_x96;
        s.liquidity = e.liquidity;
        s.tick = e.tick;
    } else if (topic0 == topics.v3_initialize) {
        const auto e = chain::decode_v3_initialize(log);
        touch(p, entry);
        s.sqrt_price_x96 = e.sqrt_price_x96;
        s.tick = e.tick;
    } else if (topic0 == topics.v3_mint || topic0 == topics.v3_burn) {
        const bool mint = topic0 == topics.v3_mint;
        const auto e = mint ? chain::decode_v3_mint(log) : chain::decode_v3_burn(log);
        if (e.amount.is_zero()) return;  // a poke to collect fees
        touch(p, entry);
        auto& gross = gross_[p];
        auto& net = net_[p];
        const auto amount =
            static_cast<Int128>(e.amount.w[0]) | (static_cast<Int128>(e.amount.w[1]) << 64);
        if (mint) {
            gross[e.tick_lower] = gross[e.tick_lower] + e.amount;
            gross[e.tick_upper] = gross[e.tick_upper] + e.amount;
            net[e.tick_lower] += amount;
            net[e.tick_upper] -= amount;
        } else {
            gross[e.tick_lower] = gross[e.tick_lower] - e.amount;
            gross[e.tick_upper] = gross[e.tick_upper] - e.amount;
            net[e.tick_lower] -= amount;
            net[e.tick_upper] += amount;
        }
        for (const auto t : {e.tick_lower, e.tick_upper}) {
            if (gross[t].is_zero()) {
                gross.erase(t);
                net.erase(t);
            }
        }
        if (e.tick_lower <= s.tick && s.tick < e.tick_upper) {
            s.liquidity = mint ? s.liquidity + e.amount : s.liquidity - e.amount;
        }
        rebuild_ticks(p);
    } else {
        return;
    }
    ++report.logs;
}
void ChainSync::apply_block(const chain::BlockHeader& h, const std::vector<chain::LogEntry>& logs,
                            BlockReport& report) {
    const auto& topics = chain::dex_topics();
    // Phase 1, nothing changed yet: every log of ours must decode, and tokens of pools created
    // in the block get their metadata.
    std::vector<Address> new_tokens;
    for (const auto& log : logs) {
        if (log.block_hash != h.hash) {
            throw SyncError("block " + std::to_string(h.number) +
                            " changed while it was read (a reorg in progress)");
        }
        const Hash32& t0 = log.topics.front();
        try {
            if (const FactoryConfig* f = factory_of(log.address)) {
                if (f->kind == PoolKind::kUniswapV2 && t0 == topics.v2_pair_created) {
                    const auto e = chain::decode_v2_pair_created(log);
                    for (const auto& a : {e.token0, e.token1}) {
                        if (token_index_.count(a) == 0) new_tokens.push_back(a);
                    }
                } else if (f->kind == PoolKind::kUniswapV3 && t0 == topics.v3_pool_created) {
                    const auto e = chain::decode_v3_pool_created(log);
                    for (const auto& a : {e.token0, e.token1}) {
                        if (token_index_.count(a) == 0) new_tokens.push_back(a);
                    }
                }
                continue;
            }
            const auto it = pool_index_.find(log.address);
            if (it == pool_index_.end()) continue;
            const PoolKind kind = market_.pools[it->second].kind;
            if (kind != PoolKind::kUniswapV2 && kind != PoolKind::kUniswapV3) continue;
            if (kind == PoolKind::kUniswapV2) {
                if (t0 == topics.v2_sync) (void)chain::decode_v2_sync(log);
            } else if (t0 == topics.v3_swap) {
                (void)chain::decode_v3_swap(log);
            } else if (t0 == topics.v3_initialize) {
                (void)chain::decode_v3_initialize(log);
            } else if (t0 == topics.v3_mint) {
                (void)chain::decode_v3_mint(log);
            } else if (t0 == topics.v3_burn) {
                (void)chain::decode_v3_burn(log);
            }
        } catch (const chain::AbiError& e) {
            throw SyncError("block " + std::to_string(h.number) + ", log " +
                            std::to_string(log.log_index) + " of " + log.address.to_hex() + ": " +
                            e.what());
        }
    }
    // Watched Curve/Balancer pools with an event in the block are read again now, before
    // anything changes (their balances are not in their events).
    std::vector<std::uint32_t> reread;
    std::size_t watched_logs = 0;
    for (const auto& log : logs) {
        std::optional<std::uint32_t> p;
        if (const auto it = watched_.find(log.address); it != watched_.end()) {
            p = it->second;
        } else if (log.address == config_.balancer_vault && log.topics.size() >= 2) {
            if (const auto id = balancer_ids_.find(log.topics[1]); id != balancer_ids_.end()) {
                p = id->second;
            }
        }
        if (p) ++watched_logs;
        if (p && std::find(reread.begin(), reread.end(), *p) == reread.end()) reread.push_back(*p);
    }
    const auto reread_states =
        reread.empty() ? std::vector<decltype(Pool::state)>{} : read_watched(reread, h.number);
    // Metadata of new tokens (the only other eth_calls of the steady state, once per token).
    std::vector<Token> fetched;
    if (!new_tokens.empty()) {
        std::sort(new_tokens.begin(), new_tokens.end());
        new_tokens.erase(std::unique(new_tokens.begin(), new_tokens.end()), new_tokens.end());
        const std::size_t first = market_.tokens.size();
        for (const auto& a : new_tokens) {
            token_index_.emplace(a, static_cast<std::uint32_t>(market_.tokens.size()));
            market_.tokens.push_back({a, "?", 18});
        }
        try {
            fetch_tokens(new_tokens, h.number);
        } catch (...) {
            for (const auto& a : new_tokens) token_index_.erase(a);
            market_.tokens.resize(first);
            throw;
        }
        for (std::size_t i = first; i < market_.tokens.size(); ++i)
            fetched.push_back(market_.tokens[i]);
        for (const auto& a : new_tokens) token_index_.erase(a);
        market_.tokens.resize(first);
    }
    // Phase 2: apply; nothing below can fail.
    JournalEntry entry{h.number, h.hash, {}, market_.pools.size(), market_.tokens.size()};
    for (const auto& t : fetched) {
        token_index_.emplace(t.address, static_cast<std::uint32_t>(market_.tokens.size()));
        market_.tokens.push_back(t);
    }
    for (const auto& log : logs) apply_log(log, entry, report);
    for (std::size_t i = 0; i < reread.size(); ++i) {
        touch(reread[i], entry);
        market_.pools[reread[i]].state = reread_states[i];
    }
    report.logs += watched_logs;
    if (report.pools_created != 0 || !fetched.empty()) market_.index();
    report.pools_changed = entry.touched.size();
    journal_.push_back(std::move(entry));
    while (journal_.size() > config_.journal_depth + 1) journal_.pop_front();
    synced_ = h.number;
    synced_hash_ = h.hash;
    market_.block = synced_;
}

}  // namespace macf::host
