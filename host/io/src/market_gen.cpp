// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/market_gen.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "macf/dex/curve_stable.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/host/model/pool_quote.hpp"

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

/// Sorts a pool's two tokens by address, as the V2 and V3 factories do.
std::pair<std::uint32_t, std::uint32_t> by_address(const Market& m, std::uint32_t a,
                                                   std::uint32_t b) {
    return m.tokens[a].address < m.tokens[b].address ? std::pair{a, b} : std::pair{b, a};
}

/// A relative price offset: 1 ± 1–3 % for one pool in five, else 1 + noise.
double price_factor(Rng& rng, double noise) {
    if (rng.next() % 5 == 0) {
        const double off = 0.01 + 0.02 * rng.uniform();
        return rng.next() % 2 == 0 ? 1.0 + off : 1.0 / (1.0 + off);
    }
    return 1.0 + noise * rng.normal();
}

constexpr std::uint32_t kStableHubs[] = {1, 2, 3};  // USDC, USDT, DAI

Pool v3_pool(Rng& rng, const Market& m, const std::vector<double>& price, std::uint32_t a,
             std::uint32_t b, double value_eth, double noise) {
    struct Tier {
        std::uint32_t fee;
        std::int32_t spacing;
    };
    constexpr Tier kTiers[] = {{500, 10}, {3000, 60}, {10000, 200}};
    const Tier tier = kTiers[rng.next() % 3];
    const auto [t0, t1] = by_address(m, a, b);
    // Price of token0 in token1, both in wei.
    const double p = price[t0] / std::pow(10.0, m.tokens[t0].decimals) /
                     (price[t1] / std::pow(10.0, m.tokens[t1].decimals)) * price_factor(rng, noise);
    UniswapV3State s;
    s.fee_ppm = tier.fee;
    s.tick_spacing = tier.spacing;
    s.sqrt_price_x96 = dex::from_double_floor(std::sqrt(p) * 0x1.0p96);
    if (s.sqrt_price_x96 < dex::kMinSqrtRatio) s.sqrt_price_x96 = dex::kMinSqrtRatio;
    if (!(s.sqrt_price_x96 < dex::kMaxSqrtRatio)) s.sqrt_price_x96 = dex::kMaxSqrtRatio - U256{1};
    dex::get_tick_at_sqrt_ratio(s.sqrt_price_x96, s.tick);
    // Total liquidity L = x_virtual·√P for half the value in token0.
    const double x_virtual = value_eth / 2.0 / price[t0] * std::pow(10.0, m.tokens[t0].decimals);
    const double total = x_virtual * std::sqrt(p);
    const std::int32_t lowest = -(dex::kMaxTick / tier.spacing) * tier.spacing;
    const std::int32_t highest = (dex::kMaxTick / tier.spacing) * tier.spacing;
    const std::int32_t at = s.tick >= 0
                                ? s.tick / tier.spacing * tier.spacing
                                : -((-s.tick + tier.spacing - 1) / tier.spacing) * tier.spacing;
    struct Position {
        std::int32_t lower, upper;
        double liquidity;
    };
    std::vector<Position> positions = {{lowest, highest, 0.3 * total}};
    const std::uint32_t concentrated = 1 + static_cast<std::uint32_t>(rng.next() % 3);
    for (std::uint32_t k = 0; k < concentrated; ++k) {
        const auto below = static_cast<std::int32_t>(1 + rng.next() % 100) * tier.spacing;
        const auto above = static_cast<std::int32_t>(1 + rng.next() % 100) * tier.spacing;
        positions.push_back(
            {std::max(lowest, at - below), std::min(highest, at + above),
             0.7 * total / concentrated * (20.0 / static_cast<double>(1 + rng.next() % 20))});
    }
    std::vector<std::pair<std::int32_t, Int128>> net;
    for (const auto& pos : positions) {
        const U256 l = dex::from_double_floor(std::max(1.0, pos.liquidity));
        if (!l.fits_bits(100)) continue;  // far from uint128's limits
        const auto li = static_cast<Int128>(l.w[0]) | (static_cast<Int128>(l.w[1]) << 64);
        net.emplace_back(pos.lower, li);
        net.emplace_back(pos.upper, -li);
        if (pos.lower <= s.tick && s.tick < pos.upper) s.liquidity = s.liquidity + l;
    }
    std::sort(net.begin(), net.end());
    for (const auto& [t, n] : net) {
        if (!s.ticks.empty() && s.ticks.back().tick == t) {
            s.ticks.back().liquidity_net += n;
        } else {
            s.ticks.push_back({t, n});
        }
    }
    Pool pool;
    pool.address = random_address(rng);
    pool.kind = PoolKind::kUniswapV3;
    pool.dex = "uniswap_v3";
    pool.tokens = {t0, t1};
    pool.state = std::move(s);
    return pool;
}

Pool curve_pool(Rng& rng, const Market& m, const std::vector<double>& price, double value_eth,
                double noise) {
    const std::uint32_t coins = 2 + static_cast<std::uint32_t>(rng.next() % 2);
    std::vector<std::uint32_t> tokens(std::begin(kStableHubs), std::end(kStableHubs));
    if (coins == 2) tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(rng.next() % 3));
    CurveStableState s;
    for (const auto t : tokens) {
        s.balances.push_back(wei_of(value_eth / coins * (1.0 + noise * rng.normal()), price[t],
                                    m.tokens[t].decimals));
        U256 rate{1};
        for (unsigned d = 0; d < 36U - m.tokens[t].decimals; ++d) rate = rate * U256{10};
        s.rates.push_back(rate);
    }
    s.a_precision = rng.next() % 2 == 0 ? 1 : 100;
    s.amp = U256{(100 + rng.next() % 1900) * s.a_precision};
    s.fee = U256{1000000 + rng.next() % 3000001};  // 0.01–0.04 %
    Pool pool;
    pool.address = random_address(rng);
    pool.kind = PoolKind::kCurveStable;
    pool.dex = "curve";
    pool.tokens = std::move(tokens);
    pool.state = std::move(s);
    return pool;
}

/// The base of the generated metapools: a 3pool-era pool (A_PRECISION 1) of the stable hubs,
/// `value_eth` split evenly, its LP supply set so that the virtual price is about 1.02.
Pool curve_base_pool(Rng& rng, const Market& m, const std::vector<double>& price,
                     double value_eth) {
    CurveStableState s;
    for (const std::uint32_t t : kStableHubs) {
        s.balances.push_back(
            wei_of(value_eth / std::size(kStableHubs), price[t], m.tokens[t].decimals));
        U256 rate{1};
        for (unsigned d = 0; d < 36U - m.tokens[t].decimals; ++d) rate = rate * U256{10};
        s.rates.push_back(rate);
    }
    s.a_precision = 1;
    s.amp = U256{2000};
    s.fee = U256{1000000};  // 0.01 %
    // A virtual price of 1.02: D·10^18/supply with supply = D·100/102, D at these balances.
    U256 xp[dex::kCurveMaxCoins] = {};
    U256 d;
    const dex::CurveStableView view = curve_stable_view(s);
    dex::curve_xp(view, xp);
    dex::curve_get_d(xp, view.n, view.amp, view.a_precision, d);
    s.lp_supply = d * U256{100} / U256{102};
    Pool pool;
    pool.address = random_address(rng);
    pool.kind = PoolKind::kCurveStable;
    pool.dex = "curve";
    pool.tokens.assign(std::begin(kStableHubs), std::end(kStableHubs));
    pool.state = std::move(s);
    return pool;
}

/// A metapool of `coin` (at most 24 decimals) against the base pool's LP token `lp`: the coin
/// pegged at its dollar price through its rate, value split evenly, the coin's side moved by
/// `noise`, one in two 1-3 % off; `cached` keeps a base virtual price a little below the
/// base's own.
Pool curve_meta_pool(Rng& rng, const Market& m, const std::vector<double>& price,
                     std::uint32_t coin, std::uint32_t lp, const Pool& base, double value_eth,
                     double noise, bool cached) {
    CurveMetaState s;
    double coin_side = 1.0 + noise * rng.normal();
    if (rng.next() % 2 == 0) {  // one in two priced 1-3 % off, either way
        const double off = 0.01 + 0.02 * rng.uniform();
        coin_side *= rng.next() % 2 == 0 ? 1.0 + off : 1.0 / (1.0 + off);
    }
    s.balances = {wei_of(value_eth / 2.0 * coin_side, price[coin], m.tokens[coin].decimals),
                  wei_of(value_eth / 2.0, price[lp], m.tokens[lp].decimals)};
    // RATES[0] pegs the coin at its price in dollars, as a redemption price does (RAI's):
    // 10^(36 − decimals) · price / price of USDC, to 12 significant digits.
    const double dollars = price[coin] / price[kStableHubs[0]];
    s.rate = U256{static_cast<std::uint64_t>(dollars * 1e12)};
    for (unsigned d = 0; d < 24U - m.tokens[coin].decimals; ++d) s.rate = s.rate * U256{10};
    s.a_precision = 100;
    s.amp = U256{(100 + rng.next() % 900) * 100};
    s.fee = U256{4000000};  // 0.04 %
    s.base_pool = base.address;
    s.base = std::get<CurveStableState>(base.state);
    if (cached) {
        if (const auto view = curve_meta_view(s)) {
            const U256 fresh = view->meta.rates[1];
            s.base_virtual_price = fresh - (fresh >> 20);
        }
    }
    Pool pool;
    pool.address = random_address(rng);
    pool.kind = PoolKind::kCurveMeta;
    pool.dex = "curve";
    pool.tokens = {coin, lp};  // Market::index() appends the base coins
    pool.state = std::move(s);
    return pool;
}

U256 balancer_scaling(std::uint8_t decimals) {
    U256 f{1000000000000000000ULL};
    for (unsigned d = decimals; d < 18; ++d) f = f * U256{10};
    return f;
}

Pool balancer_pool(Rng& rng, const Market& m, const std::vector<double>& price, std::uint32_t a,
                   std::uint32_t b, double value_eth, double noise) {
    Pool pool;
    pool.address = random_address(rng);
    pool.dex = "balancer_v2";
    if (rng.next() % 4 == 0) {  // stable pool among the stable hubs
        pool.kind = PoolKind::kBalancerStable;
        pool.tokens = {kStableHubs[0], kStableHubs[1], kStableHubs[2]};
        BalancerStableState s;
        for (const auto t : pool.tokens) {
            s.balances.push_back(wei_of(value_eth / 3.0 * (1.0 + noise * rng.normal()), price[t],
                                        m.tokens[t].decimals));
            s.scaling_factors.push_back(balancer_scaling(m.tokens[t].decimals));
        }
        s.amp = U256{(50 + rng.next() % 450) * 1000};
        s.swap_fee = U256{100000000000000ULL * (1 + rng.next() % 5)};  // 0.01–0.05 %
        s.math = rng.next() % 2 == 0 ? dex::BalancerStableMath::kLegacy
                                     : dex::BalancerStableMath::kCurrent;
        pool.state = std::move(s);
        return pool;
    }
    pool.kind = PoolKind::kBalancerWeighted;
    pool.tokens = {a, b};
    constexpr std::uint64_t kWeights[][2] = {{500000000000000000ULL, 500000000000000000ULL},
                                             {800000000000000000ULL, 200000000000000000ULL},
                                             {600000000000000000ULL, 400000000000000000ULL}};
    const std::uint64_t choice = rng.next() % 10;
    const auto& w = kWeights[choice < 6 ? 0 : choice < 9 ? 1 : 2];
    BalancerWeightedState s;
    const double factor = price_factor(rng, noise);
    for (std::size_t k = 0; k < 2; ++k) {
        const std::uint32_t t = pool.tokens[k];
        const double share = static_cast<double>(w[k]) / 1e18 * (k == 1 ? factor : 1.0);
        s.balances.push_back(wei_of(value_eth * share, price[t], m.tokens[t].decimals));
        s.weights.push_back(U256{w[k]});
        s.scaling_factors.push_back(balancer_scaling(m.tokens[t].decimals));
    }
    s.swap_fee = U256{1000000000000000ULL * (1 + rng.next() % 10)};  // 0.1–1 %
    s.pow_version =
        rng.next() % 2 == 0 ? dex::BalancerPowVersion::kV1 : dex::BalancerPowVersion::kV2;
    pool.state = std::move(s);
    return pool;
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
    // The other kinds, after the V2 pools so that adding them leaves the V2 part unchanged.
    const auto pool_value = [&](std::uint32_t a, std::uint32_t b) {
        double value = o.median_liquidity_eth * std::exp(1.5 * rng.normal());
        if (a < kHubCount && b < kHubCount) value *= 100.0;
        return std::clamp(value, 0.5, 2.0e6);
    };
    const auto pick_pair = [&] {
        std::uint32_t a = pick();
        std::uint32_t b = pick();
        while (a == b) b = pick();
        return std::pair{a, b};
    };
    for (std::uint32_t k = 0; k < o.v3_pools; ++k) {
        const auto [a, b] = pick_pair();
        m.pools.push_back(v3_pool(rng, m, price, a, b, pool_value(a, b), o.price_noise));
    }
    for (std::uint32_t k = 0; k < o.curve_pools; ++k) {
        m.pools.push_back(curve_pool(rng, m, price, pool_value(1, 2), o.price_noise));
    }
    for (std::uint32_t k = 0; k < o.balancer_pools; ++k) {
        const auto [a, b] = pick_pair();
        m.pools.push_back(balancer_pool(rng, m, price, a, b, pool_value(a, b), o.price_noise));
    }
    if (o.curve_meta_pools > 0) {
        if (o.curve_meta_pools > o.tokens - kHubCount) {
            throw std::invalid_argument(std::to_string(o.curve_meta_pools) +
                                        " metapools need as many non-hub tokens; add tokens");
        }
        const auto lp = static_cast<std::uint32_t>(m.tokens.size());
        m.tokens.push_back({random_address(rng), "3CRV", 18});
        price.push_back(price[kStableHubs[0]] * 1.02);
        const Pool base = curve_base_pool(rng, m, price, pool_value(1, 2) * 4.0);
        m.pools.push_back(base);
        std::unordered_set<std::uint32_t> coins;
        for (std::uint32_t k = 0; k < o.curve_meta_pools; ++k) {
            std::uint32_t coin = pick();
            // The most popular free non-hub token when the draw misses (bounded: the check above).
            if (coin < kHubCount || coins.contains(coin)) {
                coin = kHubCount;
                while (coins.contains(coin)) ++coin;
            }
            coins.insert(coin);
            m.pools.push_back(curve_meta_pool(rng, m, price, coin, lp, base, pool_value(coin, 1),
                                              o.price_noise, k % 2 == 1));
        }
    }
    m.index();
    return m;
}

}  // namespace macf::host
