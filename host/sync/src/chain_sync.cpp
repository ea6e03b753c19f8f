// SPDX-License-Identifier: Apache-2.0
// ChainSync, the follower: bootstrap, follow block by block, roll back reorgs by parent hash,
// publish the changed pools.
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

ChainSync::ChainSync(chain::RpcClient& rpc, SyncConfig config)
    : rpc_(rpc), config_(std::move(config)) {
    if (config_.log_chunk == 0) config_.log_chunk = 1;
    if (config_.journal_depth == 0) config_.journal_depth = 1;
    market_.chain_id = config_.chain_id;
}
std::uint64_t ChainSync::checked_head(std::uint64_t head) const {
    if (head > kMaxBlockNumber) {
        throw SyncError("the node reports block " + std::to_string(head) +
                        " as its head, beyond any chain's (over 2^40): not following it");
    }
    return head;
}
const FactoryConfig* ChainSync::factory_of(const Address& a) const {
    for (const auto& f : config_.factories) {
        if (f.address == a) return &f;
    }
    return nullptr;
}
std::vector<chain::LogEntry> ChainSync::get_logs(std::uint64_t from, std::uint64_t to,
                                                 const std::vector<Address>& addresses,
                                                 const std::vector<Hash32>& topics) {
    const auto v = rpc_.call("eth_getLogs", chain::logs_filter_params(from, to, addresses, topics));
    if (v.type != chain::json::Value::Type::kArray) {
        throw chain::MalformedResponse("eth_getLogs returned a " +
                                       std::string(chain::json::type_name(v.type)));
    }
    std::vector<chain::LogEntry> logs;
    logs.reserve(v.items.size());
    for (const auto& item : v.items) logs.push_back(chain::parse_log(item));
    return logs;
}
chain::BlockHeader ChainSync::header(std::uint64_t number) {
    const auto v = rpc_.call("eth_getBlockByNumber", "[\"" + chain::quantity(number) + "\",false]");
    if (v.type == chain::json::Value::Type::kNull) {
        throw SyncError("block " + std::to_string(number) + " is not on the chain");
    }
    const auto h = chain::parse_block_header(v);
    if (h.number != number) {
        throw SyncError("asked for block " + std::to_string(number) + ", got " +
                        std::to_string(h.number));
    }
    return h;
}
std::uint32_t ChainSync::token_index(const Address& a, std::vector<Address>& unknown) {
    if (const auto it = token_index_.find(a); it != token_index_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(market_.tokens.size());
    market_.tokens.push_back({a, "?", 18});
    token_index_.emplace(a, index);
    unknown.push_back(a);
    return index;
}
std::uint64_t ChainSync::bootstrap(std::optional<std::uint64_t> head,
                                   const SyncProgress& progress) {
    const std::uint64_t to =
        checked_head(head ? *head : chain::parse_quantity_u64(rpc_.call("eth_blockNumber").text));
    std::vector<Address> factories;
    for (const auto& f : config_.factories) factories.push_back(f.address);
    const std::vector<Hash32> topics = {chain::dex_topics().v2_pair_created,
                                        chain::dex_topics().v3_pool_created};
    std::vector<chain::LogEntry> created;
    // No factory, nothing to discover (an empty address list would ask for every log).
    for (std::uint64_t from = config_.from_block; !factories.empty() && from <= to;
         from += config_.log_chunk) {
        const std::uint64_t end =
            to - from < config_.log_chunk ? to : from + config_.log_chunk - 1;  // no overflow
        auto part = get_logs(from, end, factories, topics);
        created.insert(created.end(), part.begin(), part.end());
        if (progress)
            progress("blocks scanned for pools", end - config_.from_block + 1,
                     to - config_.from_block + 1);
        if (end == to) break;
    }
    std::vector<Address> unknown;
    std::vector<std::uint32_t> pools;
    for (const auto& log : created) {
        try {
            if (auto c = decode_creation(log)) add_pool(std::move(*c), unknown);
        } catch (const chain::AbiError& e) {
            throw SyncError("pool discovery, block " + std::to_string(log.block_number) + ", log " +
                            std::to_string(log.log_index) + " of " + log.address.to_hex() + ": " +
                            e.what());
        }
    }
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) pools.push_back(p);
    for (const auto& t : market_.tokens) unknown.push_back(t.address);
    fetch_tokens(unknown, to);
    fetch_pool_states(pools, to, progress);
    add_watched_pools(to);
    market_.index();
    const auto h = header(to);
    synced_ = to;
    synced_hash_ = h.hash;
    market_.block = to;
    journal_.clear();
    journal_.push_back({to, h.hash, {}, market_.pools.size(), market_.tokens.size()});
    dirty_.clear();
    is_dirty_.assign(market_.pools.size(), false);
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) {
        is_dirty_[p] = true;
        dirty_.push_back(p);
    }
    spdlog::info("synced {} pools and {} tokens at block {} ({} eth_calls, {} JSON-RPC calls)",
                 market_.pools.size(), market_.tokens.size(), to, eth_calls_, rpc_.calls());
    return to;
}
unsigned ChainSync::roll_back_to_common_ancestor() {
    unsigned rolled = 0;
    while (true) {
        const JournalEntry& last = journal_.back();
        std::optional<chain::BlockHeader> canonical;
        try {
            canonical = header(last.number);
        } catch (const SyncError&) {
            canonical.reset();  // the chain is now shorter than our tip
        }
        if (canonical && canonical->hash == last.hash) break;
        if (journal_.size() == 1) {
            throw ReorgTooDeep("the chain reorganised deeper than the journal (" +
                               std::to_string(config_.journal_depth) + " blocks): bootstrap again");
        }
        for (auto t = last.touched.rbegin(); t != last.touched.rend(); ++t) {
            market_.pools[t->pool].state = t->state;
            if (market_.pools[t->pool].kind == PoolKind::kUniswapV3) {
                gross_[t->pool] = t->gross;
                auto& net = net_[t->pool];
                net.clear();
                for (const auto& tk : std::get<UniswapV3State>(t->state).ticks)
                    net[tk.tick] = tk.liquidity_net;
            }
            if (is_dirty_.size() <= t->pool) is_dirty_.resize(t->pool + 1, false);
            if (!is_dirty_[t->pool]) {
                is_dirty_[t->pool] = true;
                dirty_.push_back(t->pool);
            }
        }
        for (std::size_t p = last.pools_before; p < market_.pools.size(); ++p) {
            pool_index_.erase(market_.pools[p].address);
            gross_.erase(static_cast<std::uint32_t>(p));
            net_.erase(static_cast<std::uint32_t>(p));
        }
        market_.pools.resize(last.pools_before);
        for (std::size_t k = last.tokens_before; k < market_.tokens.size(); ++k) {
            token_index_.erase(market_.tokens[k].address);
        }
        market_.tokens.resize(last.tokens_before);
        journal_.pop_back();
        ++rolled;
    }
    if (rolled != 0) market_.index();
    synced_ = journal_.back().number;
    synced_hash_ = journal_.back().hash;
    market_.block = synced_;
    return rolled;
}
std::vector<BlockReport> ChainSync::follow() {
    std::vector<BlockReport> reports;
    std::uint64_t calls_before = rpc_.calls();
    std::uint64_t eth_before = eth_calls_;
    unsigned rolled = 0;
    try {
        const std::uint64_t latest =
            checked_head(chain::parse_quantity_u64(rpc_.call("eth_blockNumber").text));
        if (latest < synced_ || header(synced_).hash != synced_hash_) {
            rolled += roll_back_to_common_ancestor();
        }
        for (std::uint64_t n = synced_ + 1; n <= latest; ++n) {
            const auto h = header(n);
            if (h.parent_hash != synced_hash_) {
                rolled += roll_back_to_common_ancestor();
                n = synced_;  // continue from the common ancestor
                continue;
            }
            std::vector<Hash32> topics;
            const auto& t = chain::dex_topics();
            topics = {t.v2_pair_created, t.v2_sync, t.v3_pool_created, t.v3_initialize,
                      t.v3_swap,         t.v3_mint, t.v3_burn};
            auto logs = get_logs(n, n, {}, topics);
            if (!watched_.empty() || !balancer_ids_.empty()) {
                std::vector<Address> addresses;
                for (const auto& [a, index] : watched_) addresses.push_back(a);
                if (!balancer_ids_.empty()) addresses.push_back(config_.balancer_vault);
                auto more = get_logs(n, n, addresses, {});
                for (auto& l : more) {
                    const bool seen = std::any_of(logs.begin(), logs.end(), [&](const auto& x) {
                        return x.log_index == l.log_index;
                    });
                    if (!seen) logs.push_back(std::move(l));
                }
            }
            std::sort(logs.begin(), logs.end(),
                      [](const auto& a, const auto& b) { return a.log_index < b.log_index; });
            BlockReport report;
            report.number = n;
            apply_block(h, logs, report);
            report.rolled_back = rolled;
            rolled = 0;
            report.rpc_calls = rpc_.calls() - calls_before;
            report.eth_calls = eth_calls_ - eth_before;
            calls_before = rpc_.calls();
            eth_before = eth_calls_;
            reports.push_back(report);
        }
    } catch (const chain::MalformedResponse& e) {
        throw SyncError(std::string("malformed answer from ") + rpc_.endpoint() + ": " + e.what());
    } catch (const chain::TransportError& e) {
        throw SyncError(e.what());
    } catch (const chain::RpcError& e) {
        throw SyncError(e.what());
    }
    return reports;
}
std::vector<std::uint32_t> ChainSync::take_dirty() {
    std::vector<std::uint32_t> out;
    for (const auto p : dirty_) {
        if (p < market_.pools.size()) out.push_back(p);
        if (p < is_dirty_.size()) is_dirty_[p] = false;
    }
    dirty_.clear();
    return out;
}
std::size_t ChainSync::publish(ReserveCache& cache, std::vector<std::uint32_t>* changed) {
    std::size_t written = 0;
    const auto dirty = take_dirty();
    for (const auto p : dirty) {
        const Pool& pool = market_.pools[p];
        // Only V2/V3 pools have a fixed-size record; the engine reads Curve and Balancer pools
        // from the market.
        if (pool.kind != PoolKind::kUniswapV2 && pool.kind != PoolKind::kUniswapV3) continue;
        cache.set(pool.address, pool_state_of(pool));
        ++written;
    }
    if (changed != nullptr) *changed = dirty;
    return written;
}
std::uint64_t ChainSync::refetch(const std::vector<std::uint32_t>& pools) {
    const std::uint64_t before = eth_calls_;
    std::vector<Pool> saved;
    std::unordered_map<std::uint32_t, std::map<std::int32_t, dex::U256>> saved_gross;
    std::unordered_map<std::uint32_t, std::map<std::int32_t, Int128>> saved_net;
    for (const auto p : pools) {
        saved.push_back(market_.pools.at(p));
        saved_gross[p] = gross_[p];
        saved_net[p] = net_[p];
    }
    try {
        std::vector<std::uint32_t> uniswap;
        std::vector<std::uint32_t> watched;
        for (const auto p : pools) {
            const PoolKind kind = market_.pools[p].kind;
            (kind == PoolKind::kUniswapV2 || kind == PoolKind::kUniswapV3 ? uniswap : watched)
                .push_back(p);
        }
        const auto states = read_watched(watched, synced_);  // read before anything changes
        fetch_pool_states(uniswap, synced_, {});
        for (std::size_t i = 0; i < watched.size(); ++i)
            market_.pools[watched[i]].state = states[i];
    } catch (const std::exception& e) {
        for (std::size_t i = 0; i < pools.size(); ++i) {
            market_.pools[pools[i]] = saved[i];
            gross_[pools[i]] = saved_gross[pools[i]];
            net_[pools[i]] = saved_net[pools[i]];
        }
        throw SyncError(std::string("refetch failed, state kept: ") + e.what());
    }
    for (const auto p : pools) {
        if (is_dirty_.size() <= p) is_dirty_.resize(p + 1, false);
        if (!is_dirty_[p]) {
            is_dirty_[p] = true;
            dirty_.push_back(p);
        }
    }
    return eth_calls_ - before;
}

const std::map<std::int32_t, dex::U256>& ChainSync::v3_gross(std::uint32_t pool) const {
    static const std::map<std::int32_t, dex::U256> kEmpty;
    const auto it = gross_.find(pool);
    return it == gross_.end() ? kEmpty : it->second;
}

}  // namespace macf::host
