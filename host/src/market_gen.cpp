// SPDX-License-Identifier: Apache-2.0
#include "macf/host/market_gen.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace macf::host {
namespace {

/// splitmix64: small, fast, identical everywhere.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Standard normal (Box–Muller).
    double normal() {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

  private:
    std::uint64_t state_;
};

struct Hub {
    const char* address;
    const char* symbol;
    std::uint8_t decimals;
    double price_eth;  ///< rough price of one whole token in ETH
};

constexpr Hub kHubs[] = {
    {"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", "WETH", 18, 1.0},
    {"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "USDC", 6, 1.0 / 3000.0},
    {"0xdac17f958d2ee523a2206206994597c13d831ec7", "USDT", 6, 1.0 / 3000.0},
    {"0x6b175474e89094c44da98b954eedeac495271d0f", "DAI", 18, 1.0 / 3000.0},
    {"0x2260fac5e5542a773aa44fbc8dfb7e9c197bee5c", "WBTC", 8, 20.0},
};

struct Venue {
    const char* dex;
    std::uint32_t fee_bps;
    double share;
};
constexpr Venue kVenues[] = {
    {"uniswap_v2", 30, 0.6}, {"sushiswap", 30, 0.3}, {"pancakeswap_v2", 25, 0.1}};

Address random_address(Rng& rng) {
    Address a;
    for (std::size_t i = 0; i < a.bytes.size(); i += 8) {
        const std::uint64_t r = rng.next();
        for (std::size_t k = 0; k < 8 && i + k < a.bytes.size(); ++k) {
            a.bytes[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
        }
    }
    return a;
}

/// Amount in wei of `value_eth` worth of a token, at least 1000 wei.
U256 wei_of(double value_eth, double price_eth, std::uint8_t decimals) {
    const double units = value_eth / price_eth;
    const U256 w = dex::from_double_floor(units * std::pow(10.0, decimals));
    return w < U256{1000} ? U256{1000} : w;
}

}  // namespace

Market generate_market(const GeneratorOptions& o) {
    constexpr std::uint32_t kHubCount = sizeof(kHubs) / sizeof(kHubs[0]);
    if (o.tokens < kHubCount + 1) {
        throw std::invalid_argument("the generator needs at least " +
                                    std::to_string(kHubCount + 1) + " tokens");
    }
    const std::uint64_t max_pools =
        static_cast<std::uint64_t>(o.tokens) * (o.tokens - 1) / 2 * std::size(kVenues);
    if (o.pools > max_pools / 2) {
        throw std::invalid_argument(std::to_string(o.pools) + " pools do not fit among " +
                                    std::to_string(o.tokens) + " tokens; add tokens");
    }
    Rng rng(o.seed);
    Market m;
    m.chain_id = 1;
    std::vector<double> price;
    for (const Hub& h : kHubs) {
        m.tokens.push_back({*Address::parse(h.address), h.symbol, h.decimals});
        price.push_back(h.price_eth);
    }
    constexpr std::uint8_t kDecimals[] = {18, 18, 18, 18, 18, 18, 6, 8, 9, 12};
    for (std::uint32_t i = kHubCount; i < o.tokens; ++i) {
        m.tokens.push_back({random_address(rng), "TKN" + std::to_string(i),
                            kDecimals[rng.next() % std::size(kDecimals)]});
        price.push_back(std::pow(10.0, -6.0 * rng.uniform()));
    }
    // Popularity: Zipf weights, hubs first; cumulative table for sampling.
    std::vector<double> cumulative(o.tokens);
    double total = 0;
    for (std::uint32_t i = 0; i < o.tokens; ++i) {
        total += 1.0 / std::pow(static_cast<double>(i + 1), o.zipf_exponent);
        cumulative[i] = total;
    }
    const auto pick = [&] {
        const double r = rng.uniform() * total;
        return static_cast<std::uint32_t>(std::min<std::size_t>(
            std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin(),
            o.tokens - 1));
    };
    std::unordered_set<std::uint64_t> taken;  // (token a, token b, venue)
    std::uint64_t attempts = 0;
    while (m.pools.size() < o.pools) {
        if (++attempts > static_cast<std::uint64_t>(o.pools) * 200) {
            throw std::invalid_argument("could not place " + std::to_string(o.pools) +
                                        " distinct pools; add tokens or lower the Zipf exponent");
        }
        std::uint32_t a = pick();
        std::uint32_t b = pick();
        if (a == b) continue;
        if (a > b) std::swap(a, b);
        const double v = rng.uniform();
        std::size_t venue = 0;
        for (double acc = kVenues[0].share; venue + 1 < std::size(kVenues) && v >= acc;) {
            acc += kVenues[++venue].share;
        }
        const std::uint64_t key =
            (static_cast<std::uint64_t>(a) << 34) | (static_cast<std::uint64_t>(b) << 2) | venue;
        if (!taken.insert(key).second) continue;
        double value = o.median_liquidity_eth * std::exp(1.5 * rng.normal());
        if (a < kHubCount && b < kHubCount) value *= 100.0;  // hub pairs are the deep ones
        value = std::clamp(value, 0.5, 2.0e6);
        const double noise = 1.0 + o.price_noise * rng.normal();
        Pool p;
        p.address = random_address(rng);
        p.kind = PoolKind::kUniswapV2;
        p.dex = kVenues[venue].dex;
        // token0 < token1 by address, as the V2 factory sorts them.
        const bool a_first = m.tokens[a].address < m.tokens[b].address;
        const std::uint32_t t0 = a_first ? a : b;
        const std::uint32_t t1 = a_first ? b : a;
        p.tokens = {t0, t1};
        UniswapV2State s;
        s.reserve0 = wei_of(value / 2.0, price[t0], m.tokens[t0].decimals);
        s.reserve1 = wei_of(value / 2.0 * noise, price[t1], m.tokens[t1].decimals);
        s.fee_bps = kVenues[venue].fee_bps;
        p.state = s;
        m.pools.push_back(std::move(p));
    }
    // Planted dislocations: move the non-WETH side of some WETH pools 2–6 % off.
    std::vector<std::uint32_t> weth_pools;
    for (std::uint32_t i = 0; i < m.pools.size(); ++i) {
        if (m.pools[i].tokens[0] == 0 || m.pools[i].tokens[1] == 0) weth_pools.push_back(i);
    }
    for (std::uint32_t k = 0; k < o.dislocations && !weth_pools.empty(); ++k) {
        const std::uint32_t pi = weth_pools[rng.next() % weth_pools.size()];
        auto& s = std::get<UniswapV2State>(m.pools[pi].state);
        U256& other = m.pools[pi].tokens[0] == 0 ? s.reserve1 : s.reserve0;
        const auto permille = static_cast<std::uint64_t>(1020 + rng.next() % 41);
        const U256 moved = other * U256{permille} / U256{1000};
        if (moved.fits_bits(dex::kUniswapV2ReserveBits)) other = moved;
    }
    m.index();
    return m;
}

}  // namespace macf::host
