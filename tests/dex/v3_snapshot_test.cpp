// SPDX-License-Identifier: Apache-2.0
// Uniswap V3 core's own test snapshots (../shared/data/uniswap-v3-core-snapshots): the 240
// swap cases of UniswapV3Pool.swaps.spec.ts over its 15 pool setups, and TickMath's results.
// The pools are rebuilt from the setups in ../shared/notes/datasets.md; the positions' mint
// amounts are checked against the snapshot's balances before each swap.
#include <gtest/gtest.h>

#include "test_text.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "macf/dex/u256_text.hpp"
#include "macf/dex/uniswap_v3.hpp"

namespace {

using macf::dex::U256;
using macf::dex::V3Status;

__extension__ typedef unsigned __int128 UInt128;

const std::string kSnapshots = std::string(MACF_SHARED_DATA) + "/uniswap-v3-core-snapshots/";

using macf::test::read_text;

U256 u(const std::string& s) { return macf::test::u256(s); }

/// v3-core's encodePriceSqrt(reserve1, reserve0): bignumber.js with DECIMAL_PLACES 40 and
/// ROUND_HALF_UP divides and takes the square root to 40 decimals, then the product with 2^96 is
/// floored. Reproduced in exact integers (Boost.Multiprecision): for 1:2^127 the 40-decimal
/// rounding moves the start tick by 38, so the exact ⌊√(r1/r0)·2^96⌋ would not match.
U256 encode_price_sqrt(const U256& reserve1, const U256& reserve0) {
    using boost::multiprecision::cpp_int;
    const cpp_int r1{macf::dex::to_string(reserve1)};
    const cpp_int r0{macf::dex::to_string(reserve0)};
    const cpp_int scale = boost::multiprecision::pow(cpp_int{10}, 40);
    const auto round_half_up_div = [](const cpp_int& n, const cpp_int& d) -> cpp_int {
        return (2 * n + d) / (2 * d);
    };
    const cpp_int ratio = round_half_up_div(r1 * scale, r0);  // ratio · 10^40
    const cpp_int radicand = ratio * scale;                   // (√ratio · 10^40)^2
    cpp_int root = boost::multiprecision::sqrt(radicand);
    if (4 * radicand >= (2 * root + 1) * (2 * root + 1)) root += 1;  // round half up
    const cpp_int price = (root << 96) / scale;
    return u(price.str());
}

struct Position {
    std::int32_t lower, upper;
    U256 liquidity;
};

struct PoolSetup {
    std::uint32_t fee;
    std::int32_t spacing;
    U256 sqrt_price;
    std::vector<Position> positions;
};

std::int32_t min_tick(std::int32_t s) { return -(887272 / s) * s; }
std::int32_t max_tick(std::int32_t s) { return (887272 / s) * s; }

const U256 kTwoE18{2000000000000000000ULL};

std::map<std::string, PoolSetup> pool_setups() {
    const auto full = [](std::int32_t s, U256 l = kTwoE18) {
        return Position{min_tick(s), max_tick(s), l};
    };
    const U256 one{1};
    const U256 two127 = one << 127;
    const std::int32_t ticks60 = (max_tick(60) - min_tick(60)) / 60 + 1;
    const U256 max_liquidity_per_tick =
        ((one << 128) - one) / U256{static_cast<std::uint64_t>(ticks60)};
    std::map<std::string, PoolSetup> m;
    m["low fee, 1:1 price, 2e18 max range liquidity"] = {
        500, 10, encode_price_sqrt(one, one), {full(10)}};
    m["medium fee, 1:1 price, 2e18 max range liquidity"] = {
        3000, 60, encode_price_sqrt(one, one), {full(60)}};
    m["high fee, 1:1 price, 2e18 max range liquidity"] = {
        10000, 200, encode_price_sqrt(one, one), {full(200)}};
    m["medium fee, 10:1 price, 2e18 max range liquidity"] = {
        3000, 60, encode_price_sqrt(U256{10}, one), {full(60)}};
    m["medium fee, 1:10 price, 2e18 max range liquidity"] = {
        3000, 60, encode_price_sqrt(one, U256{10}), {full(60)}};
    m["medium fee, 1:1 price, 0 liquidity, all liquidity around current price"] = {
        3000,
        60,
        encode_price_sqrt(one, one),
        {{min_tick(60), -60, kTwoE18}, {60, max_tick(60), kTwoE18}}};
    m["medium fee, 1:1 price, additional liquidity around current price"] = {
        3000,
        60,
        encode_price_sqrt(one, one),
        {full(60), {min_tick(60), -60, kTwoE18}, {60, max_tick(60), kTwoE18}}};
    m["low fee, large liquidity around current price (stable swap)"] = {
        500, 10, encode_price_sqrt(one, one), {{-10, 10, kTwoE18}}};
    m["medium fee, token0 liquidity only"] = {
        3000, 60, encode_price_sqrt(one, one), {{0, 120000, kTwoE18}}};
    m["medium fee, token1 liquidity only"] = {
        3000, 60, encode_price_sqrt(one, one), {{-120000, 0, kTwoE18}}};
    m["close to max price"] = {3000, 60, encode_price_sqrt(two127, one), {full(60)}};
    m["close to min price"] = {3000, 60, encode_price_sqrt(one, two127), {full(60)}};
    m["max full range liquidity at 1:1 price with default fee"] = {
        3000, 60, encode_price_sqrt(one, one), {full(60, max_liquidity_per_tick)}};
    m["initialized at the max ratio"] = {3000, 60, macf::dex::kMaxSqrtRatio - one, {full(60)}};
    m["initialized at the min ratio"] = {3000, 60, macf::dex::kMinSqrtRatio, {full(60)}};
    return m;
}

/// A pool built from a setup: the state the spec's fixture leaves after its mints.
struct BuiltPool {
    macf::dex::V3PoolView view;
    std::vector<macf::dex::V3Tick> ticks;
    U256 amount0, amount1;  // what the mints paid in
};

BuiltPool build(const PoolSetup& setup) {
    BuiltPool b;
    std::int32_t tick = 0;
    EXPECT_TRUE(macf::dex::get_tick_at_sqrt_ratio(setup.sqrt_price, tick));
    std::map<std::int32_t, macf::dex::Int128> net;
    U256 liquidity;
    for (const auto& p : setup.positions) {
        const auto l = static_cast<macf::dex::Int128>(
            (static_cast<UInt128>(p.liquidity.w[1]) << 64) | p.liquidity.w[0]);
        net[p.lower] += l;
        net[p.upper] -= l;
        U256 lower;
        U256 upper;
        macf::dex::get_sqrt_ratio_at_tick(p.lower, lower);
        macf::dex::get_sqrt_ratio_at_tick(p.upper, upper);
        U256 a0;
        U256 a1;
        if (tick < p.lower) {
            macf::dex::amount0_delta(lower, upper, p.liquidity, true, a0);
        } else if (tick < p.upper) {
            macf::dex::amount0_delta(setup.sqrt_price, upper, p.liquidity, true, a0);
            macf::dex::amount1_delta(lower, setup.sqrt_price, p.liquidity, true, a1);
            liquidity = liquidity + p.liquidity;
        } else {
            macf::dex::amount1_delta(lower, upper, p.liquidity, true, a1);
        }
        b.amount0 = b.amount0 + a0;
        b.amount1 = b.amount1 + a1;
    }
    for (const auto& [t, n] : net) b.ticks.push_back({t, n});
    b.view.sqrt_price_x96 = setup.sqrt_price;
    b.view.liquidity = liquidity;
    b.view.tick = tick;
    b.view.fee_pips = setup.fee;
    b.view.tick_spacing = setup.spacing;
    b.view.ticks = b.ticks.data();
    b.view.tick_count = b.ticks.size();
    return b;
}

struct SwapCase {
    bool zero_for_one;
    bool exact_input;
    U256 amount;
    U256 limit;
};

U256 amount_of(const std::string& text) {
    if (text == "1.0000") return U256{1000000000000000000ULL};
    if (text == "0.0000000000000010000") return U256{1000};
    ADD_FAILURE() << "unknown amount " << text;
    return {};
}

U256 limit_of(const std::string& price) {
    if (price == "0.50000") return encode_price_sqrt(U256{50}, U256{100});
    if (price == "2.0000") return encode_price_sqrt(U256{200}, U256{100});
    if (price == "0.40000") return encode_price_sqrt(U256{2}, U256{5});
    if (price == "2.5000") return encode_price_sqrt(U256{5}, U256{2});
    ADD_FAILURE() << "unknown price " << price;
    return {};
}

SwapCase parse_case(const std::string& name) {
    std::smatch m;
    const U256 int256_max = U256::max() >> 1;
    static const std::regex exact_in(
        R"(swap exactly (\S+) token(\d) for token\d( to price (\S+))?)");
    static const std::regex exact_out(
        R"(swap token(\d) for exactly (\S+) token\d( to price (\S+))?)");
    static const std::regex to_price(R"(swap token(\d) for token\d to price (\S+))");
    SwapCase c{};
    if (std::regex_match(name, m, exact_in)) {
        c.zero_for_one = m[2] == "0";
        c.exact_input = true;
        c.amount = amount_of(m[1]);
        c.limit = m[3].matched ? limit_of(m[4]) : macf::dex::v3_default_price_limit(c.zero_for_one);
    } else if (std::regex_match(name, m, exact_out)) {
        c.zero_for_one = m[1] == "0";
        c.exact_input = false;
        c.amount = amount_of(m[2]);
        c.limit = m[3].matched ? limit_of(m[4]) : macf::dex::v3_default_price_limit(c.zero_for_one);
    } else if (std::regex_match(name, m, to_price)) {
        c.zero_for_one = m[1] == "0";
        c.exact_input = true;
        c.amount = int256_max;
        c.limit = limit_of(m[2]);
    } else {
        ADD_FAILURE() << "unparsed case " << name;
    }
    return c;
}

/// "123" or "-123" as a sign and magnitude.
std::pair<bool, U256> signed_value(const std::string& text) {
    if (!text.empty() && text[0] == '-') return {true, u(text.substr(1))};
    return {false, u(text)};
}

/// The price token1/token0 of a Q64.96 value, as a double.
double price_of(const U256& sqrt_price) {
    const double s = macf::dex::to_double(sqrt_price) / std::ldexp(1.0, 96);
    return s * s;
}

TEST(UniswapV3Snapshots, All240SwapCasesReproduced) {
    const std::string text = read_text(kSnapshots + "UniswapV3Pool.swaps.spec.ts.snap");
    if (text.empty()) GTEST_SKIP() << "no " << kSnapshots << " (../shared/data is absent)";
    const auto setups = pool_setups();
    static const std::regex entry(
        R"(exports\[`UniswapV3Pool swap tests (.*?) 1`\] = `\nObject \{\n([^`]*)\}\n`;)");
    static const std::regex field(R"re(\s*"(\w+)": "?([^",]*)"?,)re");
    int cases = 0;
    int reverts = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
         it != std::sregex_iterator(); ++it) {
        const std::string title = (*it)[1];
        const auto pos = title.find(" swap ");
        ASSERT_NE(pos, std::string::npos) << title;
        const std::string pool_name = title.substr(0, pos);
        const std::string case_name = title.substr(pos + 1);
        const auto setup = setups.find(pool_name);
        ASSERT_NE(setup, setups.end()) << pool_name;
        std::map<std::string, std::string> f;
        const std::string body = (*it)[2];
        for (auto fi = std::sregex_iterator(body.begin(), body.end(), field);
             fi != std::sregex_iterator(); ++fi) {
            f[(*fi)[1]] = (*fi)[2];
        }
        SCOPED_TRACE(title);
        ++cases;
        const BuiltPool pool = build(setup->second);
        EXPECT_EQ(pool.view.tick, std::stoi(f.at("tickBefore")));
        const auto bal0 = f.count("amount0Before") ? f["amount0Before"] : f["poolBalance0"];
        const auto bal1 = f.count("amount1Before") ? f["amount1Before"] : f["poolBalance1"];
        EXPECT_EQ(macf::dex::to_string(pool.amount0), bal0);
        EXPECT_EQ(macf::dex::to_string(pool.amount1), bal1);
        const SwapCase c = parse_case(case_name);
        const auto r =
            macf::dex::v3_swap(pool.view, c.zero_for_one, c.exact_input, c.amount, c.limit);
        if (f.count("swapError")) {
            ++reverts;
            EXPECT_NE(f["swapError"].find("SPL"), std::string::npos);
            EXPECT_EQ(r.status, V3Status::kPriceLimit);
            continue;
        }
        ASSERT_EQ(r.status, V3Status::kOk);
        const auto [neg0, mag0] = signed_value(f.at("amount0Delta"));
        const auto [neg1, mag1] = signed_value(f.at("amount1Delta"));
        // amount0 > 0 is paid in. Zero amounts carry no sign.
        const U256& paid_in = c.zero_for_one ? mag0 : mag1;
        const U256& paid_out = c.zero_for_one ? mag1 : mag0;
        EXPECT_FALSE(c.zero_for_one ? neg0 : neg1);
        EXPECT_TRUE((c.zero_for_one ? neg1 : neg0) || paid_out.is_zero());
        EXPECT_EQ(macf::dex::to_string(r.amount_in), macf::dex::to_string(paid_in));
        EXPECT_EQ(macf::dex::to_string(r.amount_out), macf::dex::to_string(paid_out));
        EXPECT_EQ(r.tick, std::stoi(f.at("tickAfter")));
        // The sizing searches' amounts-only swap pays exactly the same.
        const auto quick =
            macf::dex::v3_swap(pool.view, c.zero_for_one, c.exact_input, c.amount, c.limit, true);
        EXPECT_EQ(quick.status, V3Status::kOk);
        EXPECT_EQ(quick.amount_in, r.amount_in);
        EXPECT_EQ(quick.amount_out, r.amount_out);
        EXPECT_EQ(quick.sqrt_price_x96, r.sqrt_price_x96);
        EXPECT_EQ(quick.liquidity, r.liquidity);
        const std::string growth =
            c.zero_for_one ? f.at("feeGrowthGlobal0X128Delta") : f.at("feeGrowthGlobal1X128Delta");
        EXPECT_EQ(macf::dex::to_string(r.fee_growth_x128), growth);
        // The snapshot rounds prices to 5 significant digits.
        const double expected_price = std::stod(f.at("poolPriceAfter"));
        EXPECT_NEAR(price_of(r.sqrt_price_x96), expected_price, expected_price * 1e-4);
    }
    EXPECT_EQ(cases, 240);
    EXPECT_EQ(reverts, 50);
}

TEST(UniswapV3Snapshots, TickMathResultsReproduced) {
    const std::string text = read_text(kSnapshots + "TickMath.spec.ts.snap");
    if (text.empty()) GTEST_SKIP() << "no " << kSnapshots << " (../shared/data is absent)";
    static const std::regex at_tick(
        R"re(#getSqrtRatioAtTick tick (-?\d+) result 1`\] = `"(\d+)")re");
    static const std::regex at_ratio(R"(#getTickAtSqrtRatio ratio (\d+) result 1`\] = `(-?\d+)`)");
    int n = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), at_tick);
         it != std::sregex_iterator(); ++it, ++n) {
        U256 r;
        ASSERT_TRUE(macf::dex::get_sqrt_ratio_at_tick(std::stoi((*it)[1]), r));
        EXPECT_EQ(macf::dex::to_string(r), (*it)[2].str()) << "tick " << (*it)[1];
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), at_ratio);
         it != std::sregex_iterator(); ++it, ++n) {
        std::int32_t t = 0;
        ASSERT_TRUE(macf::dex::get_tick_at_sqrt_ratio(u((*it)[1]), t));
        EXPECT_EQ(t, std::stoi((*it)[2])) << "ratio " << (*it)[1];
    }
    EXPECT_EQ(n, 41);
}

}  // namespace
