// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/follower_checkpoint.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "macf/chain/hex.hpp"
#include "macf/chain/json.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/io/json_text.hpp"
#include "macf/host/io/market_json.hpp"

namespace macf::host {
namespace {

namespace fs = std::filesystem;
using chain::json::Value;

/// Writes `text` to `path` through `path`.tmp and a rename.
void write_atomically(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("cannot rename " + tmp.string() + ": " + ec.message());
}

std::string hash_text(const chain::Hash32& h) { return chain::to_hex(h); }

std::optional<chain::Hash32> hash_of(const Value* v) {
    if (v == nullptr || v->type != Value::Type::kString) return std::nullopt;
    const auto bytes = chain::from_hex(v->text);
    if (!bytes || bytes->size() != 32) return std::nullopt;
    chain::Hash32 h{};
    std::copy(bytes->begin(), bytes->end(), h.begin());
    return h;
}

}  // namespace

void write_checkpoint(const fs::path& dir, const FollowerCheckpoint& c,
                      std::string_view fingerprint) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    // V3 pools created but not initialized have no price, which the snapshot format requires:
    // they go to follower.json (address, tokens, fee, spacing) and back into the market on read.
    Market priced;
    priced.chain_id = c.market.chain_id;
    priced.block = c.market.block;
    priced.tokens = c.market.tokens;
    std::vector<std::size_t> unpriced;  // their positions, kept so that the order comes back
    for (std::size_t i = 0; i < c.market.pools.size(); ++i) {
        const Pool& p = c.market.pools[i];
        const auto* v3 = std::get_if<UniswapV3State>(&p.state);
        if (v3 != nullptr && v3->sqrt_price_x96.is_zero()) {
            unpriced.push_back(i);
        } else {
            priced.pools.push_back(p);
        }
    }
    std::ostringstream market;
    write_market(priced, market);
    std::ostringstream f;
    f << "{\"format\":\"" << kFollowerFormat << "\",\"block\":" << c.market.block.value_or(0)
      << ",\"block_hash\":\"" << hash_text(c.block_hash)
      << "\",\"config\":" << json_quote(fingerprint) << ",\"v3_gross\":{";
    bool first = true;
    for (const auto& [p, values] : c.v3_gross) {
        f << (first ? "" : ",") << "\"" << c.market.pools.at(p).address.to_hex() << "\":[";
        for (std::size_t k = 0; k < values.size(); ++k)
            f << (k ? "," : "") << "\"" << dex::to_string(values[k]) << "\"";
        f << "]";
        first = false;
    }
    f << "},\"balancer_ids\":{";
    first = true;
    for (const auto& [p, id] : c.balancer_ids) {
        f << (first ? "" : ",") << "\"" << c.market.pools.at(p).address.to_hex() << "\":\""
          << hash_text(id) << "\"";
        first = false;
    }
    f << "},\"uninitialized_v3\":[";
    for (std::size_t k = 0; k < unpriced.size(); ++k) {
        const Pool& p = c.market.pools[unpriced[k]];
        const auto& v3 = std::get<UniswapV3State>(p.state);
        f << (k ? "," : "") << "{\"index\":" << unpriced[k] << ",\"address\":\""
          << p.address.to_hex() << "\",\"dex\":" << json_quote(p.dex) << ",\"token0\":\""
          << c.market.tokens.at(p.tokens.at(0)).address.to_hex() << "\",\"token1\":\""
          << c.market.tokens.at(p.tokens.at(1)).address.to_hex() << "\",\"fee_ppm\":" << v3.fee_ppm
          << ",\"tick_spacing\":" << v3.tick_spacing << "}";
    }
    f << "]}\n";
    // The market first: a follower.json always describes the market.json next to it, or is
    // refused for disagreeing with it.
    write_atomically(dir / "market.json", market.str());
    write_atomically(dir / "follower.json", f.str());
}

std::optional<FollowerCheckpoint> read_checkpoint(const fs::path& dir, std::string_view fingerprint,
                                                  std::string& why) {
    const fs::path follower_path = dir / "follower.json";
    const fs::path market_path = dir / "market.json";
    if (!fs::exists(follower_path) || !fs::exists(market_path)) {
        why = "no checkpoint in " + dir.string();
        return std::nullopt;
    }
    const auto refuse = [&](const std::string& what) {
        why = follower_path.string() + ": " + what;
        return std::nullopt;
    };
    Value root;
    try {
        std::ifstream in(follower_path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        root = chain::json::parse(text.str());
    } catch (const std::exception& e) {
        return refuse(std::string("not JSON (") + e.what() + ")");
    }
    const Value* format = root.find("format");
    if (root.type != Value::Type::kObject || format == nullptr || format->text != kFollowerFormat)
        return refuse("\"format\" is not " + std::string(kFollowerFormat));
    const Value* config = root.find("config");
    if (config == nullptr || config->type != Value::Type::kString)
        return refuse("\"config\" missing");
    if (config->text != fingerprint)
        return refuse("written for another configuration (" + config->text + "; now " +
                      std::string(fingerprint) + ")");
    const Value* block = root.find("block");
    const auto hash = hash_of(root.find("block_hash"));
    if (block == nullptr || block->type != Value::Type::kNumber || !hash)
        return refuse("\"block\" or \"block_hash\" missing or malformed");
    FollowerCheckpoint c;
    try {
        c.market = load_market(market_path);
    } catch (const std::exception& e) {
        why = e.what();
        return std::nullopt;
    }
    if (!c.market.block || std::to_string(*c.market.block) != block->text)
        return refuse("describes block " + block->text +
                      ", market.json another (an interrupted write)");
    c.block_hash = *hash;
    const Value* unpriced = root.find("uninitialized_v3");
    if (unpriced == nullptr || unpriced->type != Value::Type::kArray)
        return refuse("\"uninitialized_v3\" missing");
    for (const auto& u : unpriced->items) {
        const auto text = [&](const char* key) -> std::string {
            const Value* v = u.find(key);
            return v != nullptr && v->type == Value::Type::kString ? v->text : std::string();
        };
        const auto number = [&](const char* key) -> std::optional<long long> {
            const Value* v = u.find(key);
            if (v == nullptr || v->type != Value::Type::kNumber) return std::nullopt;
            try {
                return std::stoll(v->text);
            } catch (const std::exception&) {
                return std::nullopt;
            }
        };
        const auto address = chain::Address::parse(text("address"));
        const auto t0 = chain::Address::parse(text("token0"));
        const auto t1 = chain::Address::parse(text("token1"));
        const auto i0 = t0 ? c.market.find_token(*t0) : std::nullopt;
        const auto i1 = t1 ? c.market.find_token(*t1) : std::nullopt;
        const auto fee = number("fee_ppm");
        const auto spacing = number("tick_spacing");
        const auto index = number("index");  // ascending: each fits the market built so far
        if (!address || !i0 || !i1 || !fee || *fee < 0 || *fee >= 1000000 || !spacing ||
            *spacing < 1 || *spacing > 16383 || c.market.find_pool(*address) || !index ||
            *index < 0 || static_cast<std::size_t>(*index) > c.market.pools.size())
            return refuse("uninitialized_v3: a malformed entry");
        Pool pool;
        pool.address = *address;
        pool.kind = PoolKind::kUniswapV3;
        pool.dex = text("dex");
        pool.tokens = {*i0, *i1};
        UniswapV3State v3;
        v3.fee_ppm = static_cast<std::uint32_t>(*fee);
        v3.tick_spacing = static_cast<std::int32_t>(*spacing);
        pool.state = v3;
        c.market.pools.insert(c.market.pools.begin() + static_cast<std::ptrdiff_t>(*index),
                              std::move(pool));
        c.market.index();
    }
    c.market.index();
    const Value* gross = root.find("v3_gross");
    const Value* ids = root.find("balancer_ids");
    if (gross == nullptr || gross->type != Value::Type::kObject || ids == nullptr ||
        ids->type != Value::Type::kObject)
        return refuse("\"v3_gross\" or \"balancer_ids\" missing");
    const auto pool_of = [&](const std::string& text) -> std::optional<std::uint32_t> {
        const auto a = chain::Address::parse(text);
        return a ? c.market.find_pool(*a) : std::nullopt;
    };
    for (const auto& [address, values] : gross->fields) {
        const auto p = pool_of(address);
        if (!p || values.type != Value::Type::kArray)
            return refuse("v3_gross: " + address + " is not a pool of market.json");
        std::vector<dex::U256> list;
        for (const auto& v : values.items) {
            dex::U256 g;
            if (v.type != Value::Type::kString || !dex::parse_u256(v.text, g))
                return refuse("v3_gross of " + address + ": not a decimal string");
            list.push_back(g);
        }
        c.v3_gross.emplace_back(*p, std::move(list));
    }
    for (const auto& [address, id] : ids->fields) {
        const auto p = pool_of(address);
        const auto h = hash_of(&id);
        if (!p || !h) return refuse("balancer_ids: " + address + " malformed");
        c.balancer_ids.emplace_back(*p, *h);
    }
    return c;
}

std::optional<std::uint64_t> resume_from_checkpoint(ChainSync& sync, const fs::path& dir) {
    std::string why;
    auto checkpoint = read_checkpoint(dir, sync.config_fingerprint(), why);
    if (!checkpoint) {
        spdlog::info("checkpoint not used: {}; bootstrapping", why);
        return std::nullopt;
    }
    try {
        return sync.resume(std::move(*checkpoint));
    } catch (const SyncError& e) {
        spdlog::warn("checkpoint in {} not used: {}; bootstrapping", dir.string(), e.what());
        return std::nullopt;
    }
}

bool save_checkpoint(const ChainSync& sync, const fs::path& dir) {
    try {
        write_checkpoint(dir, sync.checkpoint(), sync.config_fingerprint());
        spdlog::debug("checkpoint written to {} at block {}", dir.string(), sync.synced_block());
        return true;
    } catch (const std::exception& e) {
        spdlog::warn("checkpoint: {}", e.what());
        return false;
    }
}

}  // namespace macf::host
