// SPDX-License-Identifier: Apache-2.0
// ChainSync's blocks applied: every log of a block decoded first (factory events into pool
// creations, pool events into PoolUpdate values), the watched pools and new tokens read, and
// only then everything applied in log order, journaled for reorgs. Applying cannot fail.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/host/model/pool_state.hpp"
#include "macf/host/sync/chain_sync.hpp"
#include "sync_detail.hpp"

namespace macf::host {

std::optional<ChainSync::PoolCreation> ChainSync::decode_creation(
    const chain::LogEntry& log) const {
    const FactoryConfig* f = factory_of(log.address);
    if (f == nullptr || log.topics.empty()) return std::nullopt;
    const auto& topics = chain::dex_topics();
    PoolCreation c;
    c.pool.dex = f->dex;
    c.pool.kind = f->kind;
    if (f->kind == PoolKind::kUniswapV2 && log.topics.front() == topics.v2_pair_created) {
        const auto e = chain::decode_v2_pair_created(log);
        c.pool.address = e.pair;
        c.token0 = e.token0;
        c.token1 = e.token1;
        c.pool.state = UniswapV2State{{}, {}, f->fee_bps};
    } else if (f->kind == PoolKind::kUniswapV3 && log.topics.front() == topics.v3_pool_created) {
        const auto e = chain::decode_v3_pool_created(log);
        c.pool.address = e.pool;
        c.token0 = e.token0;
        c.token1 = e.token1;
        UniswapV3State s;
        s.fee_ppm = e.fee;
        s.tick_spacing = e.tick_spacing;
        c.pool.state = std::move(s);
    } else {
        return std::nullopt;
    }
    return c;
}

void ChainSync::add_pool(PoolCreation creation, std::vector<Address>& unknown) {
    if (pool_index_.count(creation.pool.address) != 0) return;
    creation.pool.tokens = {token_index(creation.token0, unknown),
                            token_index(creation.token1, unknown)};
    pool_index_.emplace(creation.pool.address, static_cast<std::uint32_t>(market_.pools.size()));
    market_.pools.push_back(std::move(creation.pool));
}

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

void ChainSync::apply_update(const PoolUpdate& update, JournalEntry& entry) {
    const std::uint32_t p = update.pool;
    touch(p, entry);
    Pool& pool = market_.pools[p];
    std::visit(
        [&](const auto& change) {
            using C = std::decay_t<decltype(change)>;
            if constexpr (std::is_same_v<C, chain::V2Sync>) {
                auto& s = std::get<UniswapV2State>(pool.state);
                s.reserve0 = change.reserve0;
                s.reserve1 = change.reserve1;
            } else if constexpr (std::is_same_v<C, chain::V3Swap>) {
                auto& s = std::get<UniswapV3State>(pool.state);
                s.sqrt_price_x96 = change.sqrt_price_x96;
                s.liquidity = change.liquidity;
                s.tick = change.tick;
            } else if constexpr (std::is_same_v<C, chain::V3Initialize>) {
                auto& s = std::get<UniswapV3State>(pool.state);
                s.sqrt_price_x96 = change.sqrt_price_x96;
                s.tick = change.tick;
            } else if constexpr (std::is_same_v<C, V3LiquidityUpdate>) {
                apply_liquidity(p, change);
            } else {
                pool.state = change.state;
            }
        },
        update.change);
}

void ChainSync::apply_liquidity(std::uint32_t p, const V3LiquidityUpdate& update) {
    auto& s = std::get<UniswapV3State>(market_.pools[p].state);
    const auto& e = update.change;
    auto& gross = gross_[p];
    auto& net = net_[p];
    const auto amount =
        static_cast<Int128>(e.amount.w[0]) | (static_cast<Int128>(e.amount.w[1]) << 64);
    if (update.added) {
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
    if (e.tick_lower <= s.tick && s.tick < e.tick_upper)
        s.liquidity = update.added ? s.liquidity + e.amount : s.liquidity - e.amount;
    rebuild_ticks(p);
}

ChainSync::DecodedBlock ChainSync::decode_block(const chain::BlockHeader& h,
                                                const std::vector<chain::LogEntry>& logs) const {
    DecodedBlock out;
    // Pools created in this block, by address: their later logs in the block apply too.
    std::unordered_map<Address, std::pair<std::uint32_t, PoolKind>, chain::AddressHash> created;
    for (const auto& log : logs) {
        if (log.block_hash != h.hash) {
            throw SyncError("block " + std::to_string(h.number) +
                            " changed while it was read (a reorg in progress)");
        }
        try {
            if (factory_of(log.address) != nullptr) {
                auto c = decode_creation(log);
                if (!c || pool_index_.count(c->pool.address) != 0 ||
                    created.count(c->pool.address) != 0)
                    continue;
                for (const auto& a : {c->token0, c->token1}) {
                    if (token_index_.count(a) == 0) out.new_tokens.push_back(a);
                }
                const auto index =
                    static_cast<std::uint32_t>(market_.pools.size() + created.size());
                created.emplace(c->pool.address, std::make_pair(index, c->pool.kind));
                out.changes.emplace_back(std::move(*c));
                continue;
            }
            std::optional<PoolUpdate> update;
            if (const auto it = pool_index_.find(log.address); it != pool_index_.end()) {
                update = decode_pool_log(log, it->second, market_.pools[it->second].kind);
            } else if (const auto c = created.find(log.address); c != created.end()) {
                update = decode_pool_log(log, c->second.first, c->second.second);
            }
            if (update) out.changes.emplace_back(std::move(*update));
        } catch (const chain::AbiError& e) {
            throw SyncError("block " + std::to_string(h.number) + ", log " +
                            std::to_string(log.log_index) + " of " + log.address.to_hex() + ": " +
                            e.what());
        }
        // Watched Curve/Balancer pools with an event in the block are read again (their
        // balances are not in their events).
        std::optional<std::uint32_t> watched;
        if (const auto it = watched_.find(log.address); it != watched_.end()) {
            watched = it->second;
        } else if (log.address == config_.balancer_vault && log.topics.size() >= 2) {
            if (const auto id = balancer_ids_.find(log.topics[1]); id != balancer_ids_.end())
                watched = id->second;
        }
        if (!watched) continue;
        ++out.watched_logs;
        if (std::find(out.reread.begin(), out.reread.end(), *watched) == out.reread.end())
            out.reread.push_back(*watched);
    }
    std::sort(out.new_tokens.begin(), out.new_tokens.end());
    out.new_tokens.erase(std::unique(out.new_tokens.begin(), out.new_tokens.end()),
                         out.new_tokens.end());
    return out;
}

std::vector<Token> ChainSync::read_new_tokens(const std::vector<Address>& tokens,
                                              std::uint64_t block) {
    if (tokens.empty()) return {};
    // fetch_tokens fills the market's entries of the tokens; add them for the call only.
    const std::size_t first = market_.tokens.size();
    for (const auto& a : tokens) {
        token_index_.emplace(a, static_cast<std::uint32_t>(market_.tokens.size()));
        market_.tokens.push_back({a, "?", 18});
    }
    std::vector<Token> fetched;
    try {
        fetch_tokens(tokens, block);
        fetched.assign(market_.tokens.begin() + static_cast<std::ptrdiff_t>(first),
                       market_.tokens.end());
    } catch (...) {
        for (const auto& a : tokens) token_index_.erase(a);
        market_.tokens.resize(first);
        throw;
    }
    for (const auto& a : tokens) token_index_.erase(a);
    market_.tokens.resize(first);
    return fetched;
}

void ChainSync::commit_block(const chain::BlockHeader& h, DecodedBlock& block,
                             const std::vector<Token>& tokens,
                             std::vector<decltype(Pool::state)> reread_states,
                             BlockReport& report) {
    JournalEntry entry{h.number, h.hash, {}, market_.pools.size(), market_.tokens.size()};
    for (const auto& t : tokens) {
        token_index_.emplace(t.address, static_cast<std::uint32_t>(market_.tokens.size()));
        market_.tokens.push_back(t);
    }
    std::vector<Address> unknown;  // stays empty: every new token was read above
    for (auto& change : block.changes) {
        if (auto* creation = std::get_if<PoolCreation>(&change)) {
            add_pool(std::move(*creation), unknown);
            ++report.pools_created;
        } else {
            apply_update(std::get<PoolUpdate>(change), entry);
        }
        ++report.logs;
    }
    for (std::size_t i = 0; i < block.reread.size(); ++i)
        apply_update({block.reread[i], StateReplaced{std::move(reread_states[i])}}, entry);
    report.logs += block.watched_logs;
    if (report.pools_created != 0 || !tokens.empty()) market_.index();
    report.pools_changed = entry.touched.size();
    journal_.push_back(std::move(entry));
    while (journal_.size() > config_.journal_depth + 1) journal_.pop_front();
    synced_ = h.number;
    synced_hash_ = h.hash;
    market_.block = synced_;
}

void ChainSync::apply_block(const chain::BlockHeader& h, const std::vector<chain::LogEntry>& logs,
                            BlockReport& report) {
    // Everything that can fail first, with nothing changed: decoding, then the reads.
    DecodedBlock block = decode_block(h, logs);
    auto reread_states = block.reread.empty() ? std::vector<decltype(Pool::state)>{}
                                              : read_watched(block.reread, h.number);
    const auto tokens = read_new_tokens(block.new_tokens, h.number);
    commit_block(h, block, tokens, std::move(reread_states), report);
}

}  // namespace macf::host
