// SPDX-License-Identifier: Apache-2.0
#include "macf/host/model/market.hpp"

#include <array>
#include <string>

namespace macf::host {
namespace {

constexpr std::array<std::pair<PoolKind, std::string_view>, 6> kKindNames{{
    {PoolKind::kUniswapV2, "uniswap_v2"},
    {PoolKind::kUniswapV3, "uniswap_v3"},
    {PoolKind::kCurveStable, "curve_stable"},
    {PoolKind::kBalancerWeighted, "balancer_weighted"},
    {PoolKind::kBalancerStable, "balancer_stable"},
    {PoolKind::kCurveMeta, "curve_meta"},
}};

}  // namespace

std::string_view pool_kind_name(PoolKind kind) noexcept {
    for (const auto& [k, name] : kKindNames) {
        if (k == kind) return name;
    }
    return "unknown";
}

std::optional<PoolKind> parse_pool_kind(std::string_view name) noexcept {
    for (const auto& [k, n] : kKindNames) {
        if (n == name) return k;
    }
    return std::nullopt;
}

void Market::index() {
    token_index_.clear();
    pool_index_.clear();
    token_index_.reserve(tokens.size());
    pool_index_.reserve(pools.size());
    for (std::uint32_t i = 0; i < tokens.size(); ++i) {
        const auto [it, inserted] = token_index_.emplace(tokens[i].address, i);
        if (!inserted) {
            throw MarketError("tokens[" + std::to_string(i) + "] (" + tokens[i].address.to_hex() +
                              "): duplicate address (also tokens[" + std::to_string(it->second) +
                              "])");
        }
    }
    for (std::uint32_t i = 0; i < pools.size(); ++i) {
        const auto [it, inserted] = pool_index_.emplace(pools[i].address, i);
        if (!inserted) {
            throw MarketError("pools[" + std::to_string(i) + "] (" + pools[i].address.to_hex() +
                              "): duplicate address (also pools[" + std::to_string(it->second) +
                              "])");
        }
        for (const std::uint32_t t : pools[i].tokens) {
            if (t >= tokens.size()) {
                throw MarketError("pools[" + std::to_string(i) + "] (" + pools[i].address.to_hex() +
                                  "): token index " + std::to_string(t) + " is not a listed token");
            }
        }
    }
    for (std::uint32_t i = 0; i < pools.size(); ++i) {
        if (pools[i].kind == PoolKind::kCurveMeta) link_base_pool(i);
    }
}

void Market::link_base_pool(std::uint32_t meta) {
    Pool& pool = pools[meta];
    auto& s = std::get<CurveMetaState>(pool.state);
    const auto fail = [&](const std::string& why) {
        throw MarketError("pools[" + std::to_string(meta) + "] (" + pool.address.to_hex() +
                          "): base_pool " + s.base_pool.to_hex() + " " + why);
    };
    const auto base = find_pool(s.base_pool);
    if (!base) fail("is not a pool of the market");
    const Pool& base_pool = pools[*base];
    if (base_pool.kind != PoolKind::kCurveStable) {
        fail("is a " + std::string(pool_kind_name(base_pool.kind)) + " pool, not curve_stable");
    }
    const auto& base_state = std::get<CurveStableState>(base_pool.state);
    if (base_state.lp_supply.is_zero()) fail("has no lp_supply (its LP token's totalSupply)");
    if (pool.tokens.size() < 2) fail("is named by a metapool without its two coins");
    pool.tokens.resize(2);  // the own coin and the LP token; the base coins follow (again)
    for (const std::uint32_t t : base_pool.tokens) {
        if (t == pool.tokens[0] || t == pool.tokens[1])
            fail("trades the metapool's coin " + tokens[t].address.to_hex() + " too");
        pool.tokens.push_back(t);
    }
    s.base = base_state;
}

std::optional<std::uint32_t> Market::find_token(const Address& address) const {
    const auto it = token_index_.find(address);
    if (it == token_index_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::uint32_t> Market::find_pool(const Address& address) const {
    const auto it = pool_index_.find(address);
    if (it == pool_index_.end()) return std::nullopt;
    return it->second;
}

std::uint32_t Market::resolve_token(std::string_view address_or_symbol) const {
    if (address_or_symbol.starts_with("0x") || address_or_symbol.starts_with("0X")) {
        const auto address = Address::parse(address_or_symbol);
        if (!address) {
            throw MarketError("'" + std::string(address_or_symbol) +
                              "' is not an address (0x and 40 hex digits)");
        }
        if (const auto idx = find_token(*address)) return *idx;
        throw MarketError("token " + address->to_hex() + " is not in the market");
    }
    std::vector<std::uint32_t> matches;
    for (std::uint32_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].symbol == address_or_symbol) matches.push_back(i);
    }
    if (matches.size() == 1) return matches.front();
    if (address_or_symbol == "WETH") {
        if (const auto idx = find_token(*Address::parse(kMainnetWeth))) return *idx;
    }
    if (matches.empty()) {
        throw MarketError("no token with symbol '" + std::string(address_or_symbol) +
                          "' in the market");
    }
    std::string list;
    for (std::size_t i = 0; i < matches.size() && i < 5; ++i) {
        list += (i ? ", " : "") + tokens[matches[i]].address.to_hex();
    }
    throw MarketError(std::to_string(matches.size()) + " tokens use the symbol '" +
                      std::string(address_or_symbol) + "' (" + list +
                      (matches.size() > 5 ? ", ..." : "") + "); name one by address");
}

}  // namespace macf::host
