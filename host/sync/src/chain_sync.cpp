// SPDX-License-Identifier: Apache-2.0
#include "macf/host/sync/chain_sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/host/model/pool_state.hpp"

namespace macf::host {
namespace {

using chain::AbiReader;
using chain::Hash32;
using chain::Word;
using dex::U256;

std::string eth_call_params(const Address& to, const std::string& data, std::uint64_t block) {
    return "[{\"to\":\"" + to.to_hex() + "\",\"data\":\"" + data + "\"},\"" +
           chain::quantity(block) + "\"]";
}

std::vector<std::uint8_t> result_bytes(const chain::RpcResult& r, const std::string& what) {
    if (r.error) throw SyncError(what + ": " + r.error->what());
    if (r.result.type != chain::json::Value::Type::kString) {
        throw SyncError(what + ": the result is not hex data");
    }
    const auto bytes = chain::from_hex(r.result.text);
    if (!bytes) throw SyncError(what + ": the result is not hex data");
    return *bytes;
}

__extension__ typedef unsigned __int128 UInt128;

Int128 int128_of(const dex::I256& v) {
    const U256 mag = dex::magnitude(v);
    const auto m = static_cast<Int128>((static_cast<UInt128>(mag.w[1]) << 64) | mag.w[0]);
    return v.negative() ? -m : m;
}

std::int32_t floor_div(std::int32_t a, std::int32_t b) {
    std::int32_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0)) --q;
    return q;
}

}  // namespace

ChainSync::ChainSync(chain::RpcClient& rpc, SyncConfig config)
    : rpc_(rpc), config_(std::move(config)) {
    if (config_.log_chunk == 0) config_.log_chunk = 1;
    if (config_.journal_depth == 0) config_.journal_depth = 1;
    market_.chain_id = config_.chain_id;
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
            token.symbol = AbiReader(s).string(0);
        } catch (const std::exception& e) {
            spdlog::warn("token {}: no symbol() ({})", tokens[i].to_hex(), e.what());
        }
    }
}

void ChainSync::fetch_pool_states(const std::vector<std::uint32_t>& pools, std::uint64_t block,
                                  const SyncProgress& progress) {
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
    // V3: every tick-bitmap word, then every initialized tick.
    calls.clear();
    std::vector<std::pair<std::uint32_t, std::int32_t>> words;
    for (const auto p : v3_live) {
        const auto& s = std::get<UniswapV3State>(market_.pools[p].state);
        const std::int32_t lo = floor_div(floor_div(dex::kMinTick, s.tick_spacing), 256);
        const std::int32_t hi = floor_div(floor_div(dex::kMaxTick, s.tick_spacing), 256);
        for (std::int32_t w = lo; w <= hi; ++w) {
            const Word arg = chain::word_of(dex::I256{w});
            calls.push_back({"eth_call", eth_call_params(market_.pools[p].address,
                                                         chain::encode_call("tickBitmap(int16)",
                                                                            std::span(&arg, 1)),
                                                         block)});
            words.emplace_back(p, w);
        }
    }
    if (progress) progress("tick-bitmap words", 0, calls.size());
    results = rpc_.batch(calls);
    eth_calls_ += calls.size();
    if (progress) progress("tick-bitmap words", calls.size(), calls.size());
    calls.clear();
    std::vector<std::pair<std::uint32_t, std::int32_t>> ticks;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto [p, w] = words[i];
        const auto data = result_bytes(results[i], "tickBitmap");
        const U256 bits = AbiReader(data).uint(0);
        const auto spacing = std::get<UniswapV3State>(market_.pools[p].state).tick_spacing;
        for (unsigned b = 0; b < 256; ++b) {
            if (((bits >> b).w[0] & 1U) == 0) continue;
            const std::int32_t t = (w * 256 + static_cast<std::int32_t>(b)) * spacing;
            const Word arg = chain::word_of(dex::I256{t});
            calls.push_back(
                {"eth_call",
                 eth_call_params(market_.pools[p].address,
                                 chain::encode_call("ticks(int24)", std::span(&arg, 1)), block)});
            ticks.emplace_back(p, t);
        }
    }
    results = rpc_.batch(calls);
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

std::uint64_t ChainSync::bootstrap(std::optional<std::uint64_t> head,
                                   const SyncProgress& progress) {
    const std::uint64_t to =
        head ? *head : chain::parse_quantity_u64(rpc_.call("eth_blockNumber").text);
    std::vector<Address> factories;
    for (const auto& f : config_.factories) factories.push_back(f.address);
    const std::vector<Hash32> topics = {chain::dex_topics().v2_pair_created,
                                        chain::dex_topics().v3_pool_created};
    std::vector<chain::LogEntry> created;
    // No factory, nothing to discover (an empty address list would ask for every log).
    for (std::uint64_t from = config_.from_block; !factories.empty() && from <= to;
         from += config_.log_chunk) {
        const std::uint64_t end = std::min(to, from + config_.log_chunk - 1);
        auto part = get_logs(from, end, factories, topics);
        created.insert(created.end(), part.begin(), part.end());
        if (progress)
            progress("blocks scanned for pools", end - config_.from_block + 1,
                     to - config_.from_block + 1);
        if (end == to) break;
    }
    std::vector<Address> unknown;
    std::vector<std::uint32_t> pools;
    JournalEntry base{to, {}, {}, 0, 0};
    BlockReport discovered;
    for (const auto& log : created) apply_log(log, base, discovered);
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
        const std::uint64_t latest = chain::parse_quantity_u64(rpc_.call("eth_blockNumber").text);
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
    std::vector<bool> done(market_.pools.size(), false);
    // Only V2/V3 pools have a fixed-size record; Curve and Balancer pools are read from the
    // market by the scorer.
    const auto has_record = [&](std::uint32_t p) {
        const PoolKind kind = market_.pools[p].kind;
        return kind == PoolKind::kUniswapV2 || kind == PoolKind::kUniswapV3;
    };
    const auto dirty = take_dirty();
    if (changed != nullptr) *changed = dirty;
    for (const auto p : dirty) {
        if (!has_record(p)) continue;
        cache.set(market_.pools[p].address, pool_state_of(market_.pools[p]));
        done[p] = true;
        ++written;
    }
    for (std::uint32_t p = 0; p < market_.pools.size(); ++p) {
        if (done[p] || !has_record(p) || cache.get(market_.pools[p].address)) continue;
        cache.set(market_.pools[p].address, pool_state_of(market_.pools[p]));  // expired
        ++written;
    }
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
