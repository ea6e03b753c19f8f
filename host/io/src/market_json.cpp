// SPDX-License-Identifier: Apache-2.0
#include "macf/host/io/market_json.hpp"

#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "macf/chain/json.hpp"
#include "macf/dex/curve_stable.hpp"
#include "macf/dex/tick_math.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/io/json_text.hpp"
#include "macf/host/model/safe_text.hpp"

namespace macf::host {
namespace json = chain::json;
namespace {

using json::Value;
__extension__ typedef unsigned __int128 UInt128;

/// Where a value sits, for error messages: "pools[3] (0xab…)".
struct Context {
    std::string_view origin;
    std::string where;

    [[noreturn]] void fail(std::string_view field, const std::string& what) const {
        std::string msg(origin);
        msg += ": " + where;
        if (!field.empty()) msg += ": field \"" + std::string(field) + "\"";
        throw MarketError(msg + ": " + what);
    }

    const Value& require(const Value& obj, std::string_view field, Value::Type type) const {
        const Value* v = obj.find(field);
        if (v == nullptr) fail(field, "missing");
        if (v->type != type) {
            fail(field, "expected " + std::string(json::type_name(type)) + ", got " +
                            std::string(json::type_name(v->type)));
        }
        return *v;
    }

    /// An unsigned integer of at most `bits` bits written as a JSON integer, a decimal string
    /// or a "0x" hex string.
    U256 uint(const Value& v, std::string_view field, unsigned bits) const {
        if (v.type != Value::Type::kNumber && v.type != Value::Type::kString) {
            fail(field, "expected an unsigned integer (number or string), got " +
                            std::string(json::type_name(v.type)));
        }
        U256 out;
        if (!dex::parse_u256(v.text, out)) {
            fail(field, "'" + v.text + "' is not an unsigned integer below 2^256");
        }
        if (!out.fits_bits(bits)) {
            fail(field, v.text + " does not fit in uint" + std::to_string(bits));
        }
        return out;
    }

    U256 uint_field(const Value& obj, std::string_view field, unsigned bits) const {
        const Value* v = obj.find(field);
        if (v == nullptr) fail(field, "missing");
        return uint(*v, field, bits);
    }

    /// A signed integer within [lo, hi], as a JSON number or decimal string.
    Int128 sint(const Value& v, std::string_view field, Int128 lo, Int128 hi) const {
        if (v.type != Value::Type::kNumber && v.type != Value::Type::kString) {
            fail(field, "expected an integer, got " + std::string(json::type_name(v.type)));
        }
        std::string_view text = v.text;
        const bool negative = !text.empty() && text.front() == '-';
        if (negative) text.remove_prefix(1);
        U256 mag;
        if (!dex::parse_u256(text, mag) || !mag.fits_bits(127)) {
            fail(field, "'" + v.text + "' is not an integer in range");
        }
        const Int128 m = (static_cast<Int128>(mag.w[1]) << 64) | mag.w[0];
        const Int128 value = negative ? -m : m;
        if (value < lo || value > hi) fail(field, v.text + " is out of range");
        return value;
    }

    std::int64_t int_field(const Value& obj, std::string_view field, std::int64_t lo,
                           std::int64_t hi) const {
        const Value* v = obj.find(field);
        if (v == nullptr) fail(field, "missing");
        return static_cast<std::int64_t>(sint(*v, field, lo, hi));
    }

    /// A string field's text.
    std::string_view string_field(const Value& obj, std::string_view field) const {
        return require(obj, field, Value::Type::kString).text;
    }

    std::vector<U256> uint_array(const Value& obj, std::string_view field, unsigned bits,
                                 std::size_t expected) const {
        const Value& arr = require(obj, field, Value::Type::kArray);
        if (arr.items.size() != expected) {
            fail(field, "has " + std::to_string(arr.items.size()) + " entries, expected " +
                            std::to_string(expected));
        }
        std::vector<U256> out;
        out.reserve(expected);
        for (std::size_t i = 0; i < arr.items.size(); ++i) {
            out.push_back(
                uint(arr.items[i], std::string(field) + "[" + std::to_string(i) + "]", bits));
        }
        return out;
    }

    void only_fields(const Value& obj, std::initializer_list<std::string_view> allowed) const {
        for (const auto& [key, value] : obj.fields) {
            bool known = false;
            for (const auto a : allowed) known = known || a == key;
            if (!known) fail(key, "unknown field (a typo? see docs/market-format.md)");
        }
    }
};

Address parse_address(const Context& ctx, const Value& obj, std::string_view field) {
    const Value& v = ctx.require(obj, field, Value::Type::kString);
    const auto a = Address::parse(v.text);
    if (!a) ctx.fail(field, "'" + v.text + "' is not an address (0x and 40 hex digits)");
    return *a;
}

std::uint32_t token_ref(const Context& ctx, const Market& m, const Value& v,
                        const std::string& field) {
    if (v.type != Value::Type::kString) ctx.fail(field, "expected a token address string");
    const auto a = Address::parse(v.text);
    if (!a) ctx.fail(field, "'" + v.text + "' is not an address (0x and 40 hex digits)");
    const auto idx = m.find_token(*a);
    if (!idx) ctx.fail(field, "token " + a->to_hex() + " is not listed in \"tokens\"");
    return *idx;
}

std::vector<std::uint32_t> token_list(const Context& ctx, const Market& m, const Value& obj,
                                      std::string_view field) {
    const Value& arr = ctx.require(obj, field, Value::Type::kArray);
    if (arr.items.size() < 2 || arr.items.size() > 8) {
        ctx.fail(field, "a pool has 2 to 8 tokens, got " + std::to_string(arr.items.size()));
    }
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < arr.items.size(); ++i) {
        const std::uint32_t t =
            token_ref(ctx, m, arr.items[i], std::string(field) + "[" + std::to_string(i) + "]");
        for (const auto prev : out) {
            if (prev == t)
                ctx.fail(field, "lists token " + m.tokens[t].address.to_hex() + " twice");
        }
        out.push_back(t);
    }
    return out;
}

U256 pow10(unsigned n) {
    U256 r{1};
    for (unsigned i = 0; i < n; ++i) r = r * U256{10};
    return r;
}

/// Balancer's scaling factor for a token with `decimals`: 10^(18 − decimals) in 18-decimal
/// fixed point.
U256 balancer_scaling(const Context& ctx, unsigned decimals) {
    if (decimals > 18) ctx.fail("scaling_factors", "needed for a token with more than 18 decimals");
    return pow10(18 - decimals) * pow10(18);
}

void parse_v2(const Context& ctx, const Market& m, const Value& obj, Pool& pool) {
    ctx.only_fields(
        obj, {"kind", "address", "dex", "token0", "token1", "reserve0", "reserve1", "fee_bps"});
    const std::uint32_t t0 =
        token_ref(ctx, m, ctx.require(obj, "token0", Value::Type::kString), "token0");
    const std::uint32_t t1 =
        token_ref(ctx, m, ctx.require(obj, "token1", Value::Type::kString), "token1");
    if (t0 == t1) ctx.fail("token1", "equals token0");
    pool.tokens = {t0, t1};
    UniswapV2State s;
    s.reserve0 = ctx.uint_field(obj, "reserve0", dex::kUniswapV2ReserveBits);
    s.reserve1 = ctx.uint_field(obj, "reserve1", dex::kUniswapV2ReserveBits);
    if (obj.find("fee_bps") != nullptr) {
        s.fee_bps = static_cast<std::uint32_t>(ctx.int_field(obj, "fee_bps", 0, 9999));
    }
    pool.state = s;
}

void parse_v3(const Context& ctx, const Market& m, const Value& obj, Pool& pool) {
    ctx.only_fields(obj, {"kind", "address", "dex", "token0", "token1", "fee", "tick_spacing",
                          "sqrt_price_x96", "liquidity", "tick", "ticks"});
    const std::uint32_t t0 =
        token_ref(ctx, m, ctx.require(obj, "token0", Value::Type::kString), "token0");
    const std::uint32_t t1 =
        token_ref(ctx, m, ctx.require(obj, "token1", Value::Type::kString), "token1");
    if (t0 == t1) ctx.fail("token1", "equals token0");
    pool.tokens = {t0, t1};
    UniswapV3State s;
    s.fee_ppm = static_cast<std::uint32_t>(ctx.int_field(obj, "fee", 0, 999'999));
    s.tick_spacing = static_cast<std::int32_t>(ctx.int_field(obj, "tick_spacing", 1, 16383));
    s.sqrt_price_x96 = ctx.uint_field(obj, "sqrt_price_x96", 160);
    if (s.sqrt_price_x96 < dex::kMinSqrtRatio || s.sqrt_price_x96 >= dex::kMaxSqrtRatio) {
        ctx.fail("sqrt_price_x96", "outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)");
    }
    s.liquidity = ctx.uint_field(obj, "liquidity", 128);
    s.tick = static_cast<std::int32_t>(ctx.int_field(obj, "tick", -887272, 887272));
    // slot0.tick is TickMath's tick of the price, or one less when a downward swap stopped
    // exactly on a tick's price.
    std::int32_t price_tick = 0;
    dex::get_tick_at_sqrt_ratio(s.sqrt_price_x96, price_tick);
    U256 at_price_tick;
    dex::get_sqrt_ratio_at_tick(price_tick, at_price_tick);
    const bool on_boundary = at_price_tick == s.sqrt_price_x96 && s.tick == price_tick - 1;
    if (s.tick != price_tick && !on_boundary) {
        ctx.fail("tick", std::to_string(s.tick) + " does not match sqrt_price_x96 (its tick is " +
                             std::to_string(price_tick) + ")");
    }
    const Value& ticks = ctx.require(obj, "ticks", Value::Type::kArray);
    for (std::size_t i = 0; i < ticks.items.size(); ++i) {
        const std::string f = "ticks[" + std::to_string(i) + "]";
        const Value& t = ticks.items[i];
        if (t.type != Value::Type::kObject) ctx.fail(f, "expected an object {tick, liquidity_net}");
        const Value* tv = t.find("tick");
        const Value* lv = t.find("liquidity_net");
        if (tv == nullptr) ctx.fail(f + ".tick", "missing");
        if (lv == nullptr) ctx.fail(f + ".liquidity_net", "missing");
        V3Tick tick;
        tick.tick = static_cast<std::int32_t>(ctx.sint(*tv, f + ".tick", -887272, 887272));
        if (tick.tick % s.tick_spacing != 0)
            ctx.fail(f + ".tick", "not a multiple of tick_spacing");
        tick.liquidity_net =
            ctx.sint(*lv, f + ".liquidity_net", std::numeric_limits<Int128>::min() + 1,
                     std::numeric_limits<Int128>::max());
        if (!s.ticks.empty() && s.ticks.back().tick >= tick.tick) {
            ctx.fail(f + ".tick", "ticks must be strictly ascending");
        }
        s.ticks.push_back(tick);
    }
    pool.state = std::move(s);
}

/// A Curve pool's `a_precision` (1 or 100; `default_precision` when absent), `A` and `fee`.
struct CurveParameters {
    std::uint32_t a_precision;
    U256 amp;
    U256 fee;
};

CurveParameters curve_parameters(const Context& ctx, const Value& obj,
                                 std::uint32_t default_precision) {
    CurveParameters out{default_precision, {}, {}};
    if (obj.find("a_precision") != nullptr) {
        const auto p = ctx.int_field(obj, "a_precision", 1, 100);
        if (p != 1 && p != 100) ctx.fail("a_precision", "must be 1 or 100");
        out.a_precision = static_cast<std::uint32_t>(p);
    }
    out.amp = ctx.uint_field(obj, "A", 64);
    if (out.amp.is_zero()) ctx.fail("A", "must be positive");
    out.fee = ctx.uint_field(obj, "fee", 64);
    if (out.fee > U256{10'000'000'000ULL}) ctx.fail("fee", "above 10^10 (100 %)");
    return out;
}

void parse_curve(const Context& ctx, const Market& m, const Value& obj, Pool& pool) {
    ctx.only_fields(obj, {"kind", "address", "dex", "coins", "balances", "rates", "A",
                          "a_precision", "fee", "lp_supply"});
    pool.tokens = token_list(ctx, m, obj, "coins");
    const std::size_t n = pool.tokens.size();
    if (n > dex::kCurveMaxCoins) {
        ctx.fail("coins", "more than " + std::to_string(dex::kCurveMaxCoins) + " coins");
    }
    CurveStableState s;
    s.balances = ctx.uint_array(obj, "balances", 256, n);
    if (obj.find("rates") != nullptr) {
        s.rates = ctx.uint_array(obj, "rates", 256, n);
    } else {
        for (const auto t : pool.tokens) {
            if (m.tokens[t].decimals > 36)
                ctx.fail("rates", "needed for a coin with > 36 decimals");
            s.rates.push_back(pow10(36U - m.tokens[t].decimals));
        }
    }
    const CurveParameters params = curve_parameters(ctx, obj, 1);
    s.a_precision = params.a_precision;
    s.amp = params.amp;
    s.fee = params.fee;
    if (obj.find("lp_supply") != nullptr) {
        s.lp_supply = ctx.uint_field(obj, "lp_supply", 256);
        if (s.lp_supply.is_zero()) ctx.fail("lp_supply", "must be positive");
    }
    pool.state = std::move(s);
}

/// A metapool: its two coins; Market::index() appends the base pool's coins (the base may be
/// listed after it) and copies its state.
void parse_curve_meta(const Context& ctx, const Market& m, const Value& obj, Pool& pool) {
    ctx.only_fields(obj, {"kind", "address", "dex", "coins", "base_pool", "balances", "rate",
                          "base_virtual_price", "A", "a_precision", "fee"});
    pool.tokens = token_list(ctx, m, obj, "coins");
    if (pool.tokens.size() != 2) {
        ctx.fail("coins", "a metapool has two coins: its own and the base pool's LP token");
    }
    CurveMetaState s;
    s.base_pool = parse_address(ctx, obj, "base_pool");
    if (s.base_pool == pool.address) ctx.fail("base_pool", "is the metapool itself");
    s.balances = ctx.uint_array(obj, "balances", 256, 2);
    if (obj.find("rate") != nullptr) {
        s.rate = ctx.uint_field(obj, "rate", 256);
        if (s.rate.is_zero()) ctx.fail("rate", "must be positive");
    } else {
        const unsigned decimals = m.tokens[pool.tokens[0]].decimals;
        if (decimals > 36) ctx.fail("rate", "needed for a coin with > 36 decimals");
        s.rate = pow10(36U - decimals);
    }
    if (obj.find("base_virtual_price") != nullptr) {
        s.base_virtual_price = ctx.uint_field(obj, "base_virtual_price", 256);
        if (s.base_virtual_price->is_zero()) ctx.fail("base_virtual_price", "must be positive");
    }
    const CurveParameters params = curve_parameters(ctx, obj, 100);
    s.a_precision = params.a_precision;
    s.amp = params.amp;
    s.fee = params.fee;
    pool.state = std::move(s);
}

void parse_balancer(const Context& ctx, const Market& m, const Value& obj, Pool& pool,
                    bool weighted) {
    if (weighted) {
        ctx.only_fields(obj, {"kind", "address", "dex", "tokens", "balances", "weights", "swap_fee",
                              "scaling_factors", "pool_id", "pow"});
    } else {
        ctx.only_fields(obj, {"kind", "address", "dex", "tokens", "balances", "amp", "swap_fee",
                              "scaling_factors", "pool_id", "stable_math"});
    }
    pool.tokens = token_list(ctx, m, obj, "tokens");
    const std::size_t n = pool.tokens.size();
    if (n > dex::kBalancerMaxTokens) {
        ctx.fail("tokens", "more than " + std::to_string(dex::kBalancerMaxTokens) + " tokens");
    }
    const U256 one{1'000'000'000'000'000'000ULL};
    std::vector<U256> balances = ctx.uint_array(obj, "balances", 256, n);
    std::vector<U256> scaling;
    if (obj.find("scaling_factors") != nullptr) {
        scaling = ctx.uint_array(obj, "scaling_factors", 256, n);
    } else {
        for (const auto t : pool.tokens)
            scaling.push_back(balancer_scaling(ctx, m.tokens[t].decimals));
    }
    const U256 swap_fee = ctx.uint_field(obj, "swap_fee", 64);
    if (swap_fee >= one) ctx.fail("swap_fee", "must be below 10^18 (100 %)");
    if (weighted) {
        BalancerWeightedState s;
        s.weights = ctx.uint_array(obj, "weights", 64, n);
        U256 sum;
        for (const auto& w : s.weights) {
            if (w < U256{10'000'000'000'000'000ULL})
                ctx.fail("weights", "a weight below 1 % (10^16)");
            sum = sum + w;
        }
        if (sum != one) ctx.fail("weights", "sum to " + dex::to_string(sum) + ", not 10^18");
        s.balances = std::move(balances);
        s.scaling_factors = std::move(scaling);
        s.swap_fee = swap_fee;
        if (obj.find("pow") != nullptr) {
            const std::string_view v = ctx.string_field(obj, "pow");
            if (v != "v1" && v != "v2") ctx.fail("pow", "must be \"v1\" or \"v2\"");
            s.pow_version = v == "v2" ? dex::BalancerPowVersion::kV2 : dex::BalancerPowVersion::kV1;
        }
        pool.state = std::move(s);
    } else {
        BalancerStableState s;
        s.amp = ctx.uint_field(obj, "amp", 64);
        if (s.amp.is_zero()) ctx.fail("amp", "must be positive");
        s.balances = std::move(balances);
        s.scaling_factors = std::move(scaling);
        s.swap_fee = swap_fee;
        if (obj.find("stable_math") != nullptr) {
            const std::string_view v = ctx.string_field(obj, "stable_math");
            if (v != "legacy" && v != "current") {
                ctx.fail("stable_math", "must be \"legacy\" or \"current\"");
            }
            s.math = v == "current" ? dex::BalancerStableMath::kCurrent
                                    : dex::BalancerStableMath::kLegacy;
        }
        pool.state = std::move(s);
    }
}

void parse_tokens(std::string_view origin, const Value& root, Market& m) {
    const Context top{origin, "top level"};
    const Value& tokens = top.require(root, "tokens", Value::Type::kArray);
    m.tokens.reserve(tokens.items.size());
    for (std::size_t i = 0; i < tokens.items.size(); ++i) {
        Context ctx{origin, "tokens[" + std::to_string(i) + "]"};
        const Value& t = tokens.items[i];
        if (t.type != Value::Type::kObject) ctx.fail("", "expected an object");
        ctx.only_fields(t, {"address", "symbol", "decimals", "name"});
        Token token;
        token.address = parse_address(ctx, t, "address");
        ctx.where += " (" + token.address.to_hex() + ")";
        // Display text: control characters escaped on entry (they would reach terminals and logs).
        token.symbol = safe_text(ctx.require(t, "symbol", Value::Type::kString).text);
        token.decimals = static_cast<std::uint8_t>(ctx.int_field(t, "decimals", 0, 77));
        m.tokens.push_back(std::move(token));
    }
}

void parse_pools(std::string_view origin, const Value& root, Market& m) {
    const Context top{origin, "top level"};
    const Value& pools = top.require(root, "pools", Value::Type::kArray);
    m.pools.reserve(pools.items.size());
    for (std::size_t i = 0; i < pools.items.size(); ++i) {
        Context ctx{origin, "pools[" + std::to_string(i) + "]"};
        const Value& p = pools.items[i];
        if (p.type != Value::Type::kObject) ctx.fail("", "expected an object");
        Pool pool;
        pool.address = parse_address(ctx, p, "address");
        ctx.where += " (" + pool.address.to_hex() + ")";
        const std::string& kind_name = ctx.require(p, "kind", Value::Type::kString).text;
        const auto kind = parse_pool_kind(kind_name);
        if (!kind) {
            ctx.fail("kind", "unknown pool kind '" + kind_name +
                                 "' (uniswap_v2, uniswap_v3, curve_stable, curve_meta, "
                                 "balancer_weighted, balancer_stable)");
        }
        pool.kind = *kind;
        if (const Value* dex = p.find("dex")) {
            if (dex->type != Value::Type::kString) ctx.fail("dex", "expected a string");
            pool.dex = dex->text;
        }
        switch (pool.kind) {
            case PoolKind::kUniswapV2:
                parse_v2(ctx, m, p, pool);
                break;
            case PoolKind::kUniswapV3:
                parse_v3(ctx, m, p, pool);
                break;
            case PoolKind::kCurveStable:
                parse_curve(ctx, m, p, pool);
                break;
            case PoolKind::kBalancerWeighted:
                parse_balancer(ctx, m, p, pool, true);
                break;
            case PoolKind::kBalancerStable:
                parse_balancer(ctx, m, p, pool, false);
                break;
            case PoolKind::kCurveMeta:
                parse_curve_meta(ctx, m, p, pool);
                break;
        }
        m.pools.push_back(std::move(pool));
    }
}

}  // namespace

Market parse_market(std::string_view text, std::string_view origin) {
    Value root;
    try {
        root = json::parse(text);
    } catch (const std::runtime_error& e) {
        throw MarketError(std::string(origin) + ": malformed JSON: " + e.what());
    }
    const Context top{origin, "top level"};
    if (root.type != Value::Type::kObject) top.fail("", "expected a JSON object");
    top.only_fields(root, {"format", "chain_id", "block", "tokens", "pools", "source"});
    const Value& format = top.require(root, "format", Value::Type::kString);
    if (format.text != kMarketFormat) {
        top.fail("format", "'" + format.text + "' is not '" + std::string(kMarketFormat) + "'");
    }
    Market m;
    if (root.find("chain_id") != nullptr) {
        m.chain_id = static_cast<std::uint64_t>(top.int_field(root, "chain_id", 1, INT64_MAX));
    }
    if (root.find("block") != nullptr) {
        m.block = static_cast<std::uint64_t>(top.int_field(root, "block", 0, INT64_MAX));
    }
    parse_tokens(origin, root, m);
    try {
        m.index();  // token duplicates, before pools look tokens up
    } catch (const MarketError& e) {
        throw MarketError(std::string(origin) + ": " + e.what());
    }
    parse_pools(origin, root, m);
    try {
        m.index();
    } catch (const MarketError& e) {
        throw MarketError(std::string(origin) + ": " + e.what());
    }
    return m;
}

Market load_market(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw MarketError(path.string() + ": cannot open the market file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw MarketError(path.string() + ": read error");
    return parse_market(buf.str(), path.string());
}

namespace {

std::string num(const U256& v) { return "\"" + dex::to_string(v) + "\""; }

std::string int128_text(Int128 v) {
    const bool neg = v < 0;
    UInt128 mag = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
    const U256 u{static_cast<std::uint64_t>(mag), static_cast<std::uint64_t>(mag >> 64), 0, 0};
    return std::string(neg ? "\"-" : "\"") + dex::to_string(u) + "\"";
}

void write_list(std::ostream& out, const std::vector<U256>& values) {
    out << '[';
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << num(values[i]);
    out << ']';
}

/// Writes `,"name":[amounts]`.
void write_field(std::ostream& out, std::string_view name, const std::vector<U256>& values) {
    out << ",\"" << name << "\":";
    write_list(out, values);
}

void write_tokens(std::ostream& out, const Market& m, const std::vector<std::uint32_t>& tokens) {
    out << '[';
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        out << (i ? "," : "") << '"' << m.tokens[tokens[i]].address.to_hex() << '"';
    }
    out << ']';
}

}  // namespace

void write_pool(const Market& m, const Pool& p, std::ostream& out) {
    out << "{\"kind\":\"" << pool_kind_name(p.kind) << "\",\"address\":\"" << p.address.to_hex()
        << '"';
    if (!p.dex.empty()) out << ",\"dex\":" << json_quote(p.dex);
    switch (p.kind) {
        case PoolKind::kUniswapV2: {
            const auto& s = std::get<UniswapV2State>(p.state);
            out << ",\"token0\":\"" << m.tokens[p.tokens[0]].address.to_hex() << "\",\"token1\":\""
                << m.tokens[p.tokens[1]].address.to_hex() << "\",\"reserve0\":" << num(s.reserve0)
                << ",\"reserve1\":" << num(s.reserve1) << ",\"fee_bps\":" << s.fee_bps;
            break;
        }
        case PoolKind::kUniswapV3: {
            const auto& s = std::get<UniswapV3State>(p.state);
            out << ",\"token0\":\"" << m.tokens[p.tokens[0]].address.to_hex() << "\",\"token1\":\""
                << m.tokens[p.tokens[1]].address.to_hex() << "\",\"fee\":" << s.fee_ppm
                << ",\"tick_spacing\":" << s.tick_spacing
                << ",\"sqrt_price_x96\":" << num(s.sqrt_price_x96)
                << ",\"liquidity\":" << num(s.liquidity) << ",\"tick\":" << s.tick
                << ",\"ticks\":[";
            for (std::size_t k = 0; k < s.ticks.size(); ++k) {
                out << (k ? "," : "") << "{\"tick\":" << s.ticks[k].tick
                    << ",\"liquidity_net\":" << int128_text(s.ticks[k].liquidity_net) << '}';
            }
            out << ']';
            break;
        }
        case PoolKind::kCurveStable: {
            const auto& s = std::get<CurveStableState>(p.state);
            out << ",\"coins\":";
            write_tokens(out, m, p.tokens);
            write_field(out, "balances", s.balances);
            write_field(out, "rates", s.rates);
            out << ",\"A\":" << num(s.amp) << ",\"a_precision\":" << s.a_precision
                << ",\"fee\":" << num(s.fee);
            if (!s.lp_supply.is_zero()) out << ",\"lp_supply\":" << num(s.lp_supply);
            break;
        }
        case PoolKind::kCurveMeta: {
            const auto& s = std::get<CurveMetaState>(p.state);
            out << ",\"coins\":";
            write_tokens(out, m, {p.tokens[0], p.tokens[1]});
            out << ",\"base_pool\":\"" << s.base_pool.to_hex() << '"';
            write_field(out, "balances", s.balances);
            out << ",\"rate\":" << num(s.rate);
            if (s.base_virtual_price)
                out << ",\"base_virtual_price\":" << num(*s.base_virtual_price);
            out << ",\"A\":" << num(s.amp) << ",\"a_precision\":" << s.a_precision
                << ",\"fee\":" << num(s.fee);
            break;
        }
        case PoolKind::kBalancerWeighted: {
            const auto& s = std::get<BalancerWeightedState>(p.state);
            out << ",\"tokens\":";
            write_tokens(out, m, p.tokens);
            write_field(out, "balances", s.balances);
            write_field(out, "weights", s.weights);
            write_field(out, "scaling_factors", s.scaling_factors);
            out << ",\"swap_fee\":" << num(s.swap_fee) << ",\"pow\":\""
                << (s.pow_version == dex::BalancerPowVersion::kV2 ? "v2" : "v1") << '"';
            break;
        }
        case PoolKind::kBalancerStable: {
            const auto& s = std::get<BalancerStableState>(p.state);
            out << ",\"tokens\":";
            write_tokens(out, m, p.tokens);
            write_field(out, "balances", s.balances);
            write_field(out, "scaling_factors", s.scaling_factors);
            out << ",\"amp\":" << num(s.amp) << ",\"swap_fee\":" << num(s.swap_fee)
                << ",\"stable_math\":\""
                << (s.math == dex::BalancerStableMath::kCurrent ? "current" : "legacy") << '"';
            break;
        }
    }
    out << '}';
}

void write_market(const Market& m, std::ostream& out) {
    out << "{\"format\":\"" << kMarketFormat << "\",\"chain_id\":" << m.chain_id;
    if (m.block) out << ",\"block\":" << *m.block;
    out << ",\n\"tokens\":[\n";
    for (std::size_t i = 0; i < m.tokens.size(); ++i) {
        const Token& t = m.tokens[i];
        out << (i ? ",\n" : "") << "{\"address\":\"" << t.address.to_hex()
            << "\",\"symbol\":" << json_quote(t.symbol)
            << ",\"decimals\":" << static_cast<unsigned>(t.decimals) << '}';
    }
    out << "],\n\"pools\":[\n";
    for (std::size_t i = 0; i < m.pools.size(); ++i) {
        out << (i ? ",\n" : "");
        write_pool(m, m.pools[i], out);
    }
    out << "]}\n";
}

}  // namespace macf::host
