// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "macf/dex/u256_text.hpp"
#include "macf/host/io/market_json.hpp"

namespace {

using macf::host::MarketError;

const char* kTokens = R"("tokens":[
 {"address":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2","symbol":"WETH","decimals":18},
 {"address":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","symbol":"USDC","decimals":6},
 {"address":"0x6b175474e89094c44da98b954eedeac495271d0f","symbol":"DAI","decimals":18}])";

std::string market_with(const std::string& pools) {
    return std::string(R"({"format":"macf-market/1","chain_id":1,)") + kTokens + R"(,"pools":[)" +
           pools + "]}";
}

const std::string kV2 =
    R"({"kind":"uniswap_v2","address":"0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc","dex":"uniswap_v2",)"
    R"("token0":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","token1":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",)"
    R"("reserve0":176560092727090,"reserve1":"524595304157729979983018","fee_bps":30})";

/// Expects parse_market to throw a MarketError whose message contains every fragment.
void expect_error(const std::string& json, std::initializer_list<std::string> fragments) {
    try {
        (void)macf::host::parse_market(json, "m.json");
        FAIL() << "no error for: " << json.substr(0, 200);
    } catch (const MarketError& e) {
        const std::string msg = e.what();
        for (const auto& f : fragments)
            EXPECT_NE(msg.find(f), std::string::npos) << msg << " lacks " << f;
    }
}

TEST(MarketJson, ReadsTheDocumentedExample) {
    // docs/market-format.md's example holds one pool of every kind.
    const auto m =
        macf::host::load_market(std::string(MACF_SOURCE_DIR) + "/docs/market-example.json");
    ASSERT_EQ(m.pools.size(), 6U);
    EXPECT_EQ(m.pools[0].kind, macf::host::PoolKind::kUniswapV2);
    EXPECT_EQ(m.pools[1].kind, macf::host::PoolKind::kUniswapV3);
    EXPECT_EQ(m.pools[2].kind, macf::host::PoolKind::kCurveStable);
    EXPECT_EQ(m.pools[3].kind, macf::host::PoolKind::kBalancerWeighted);
    EXPECT_EQ(m.pools[4].kind, macf::host::PoolKind::kBalancerStable);
    EXPECT_EQ(m.pools[5].kind, macf::host::PoolKind::kCurveMeta);
    // The metapool trades RAI, 3Crv, then the base 3pool's coins; the base state is copied in.
    const auto& meta = std::get<macf::host::CurveMetaState>(m.pools[5].state);
    ASSERT_EQ(m.pools[5].tokens.size(), 5U);
    EXPECT_EQ(m.tokens[m.pools[5].tokens[0]].symbol, "RAI");
    EXPECT_EQ(m.tokens[m.pools[5].tokens[1]].symbol, "3Crv");
    EXPECT_TRUE(std::equal(m.pools[2].tokens.begin(), m.pools[2].tokens.end(),
                           m.pools[5].tokens.begin() + 2));
    EXPECT_EQ(meta.base.balances,
              std::get<macf::host::CurveStableState>(m.pools[2].state).balances);
    EXPECT_FALSE(meta.base_virtual_price.has_value());
    EXPECT_EQ(macf::dex::to_string(meta.rate), "2971996134945649119");
    const auto& v3 = std::get<macf::host::UniswapV3State>(m.pools[1].state);
    EXPECT_EQ(v3.ticks.size(), 2U);
    EXPECT_GT(v3.ticks[0].liquidity_net, 0);
    EXPECT_LT(v3.ticks[1].liquidity_net, 0);  // signed int128 read exactly
    const auto& curve = std::get<macf::host::CurveStableState>(m.pools[2].state);
    EXPECT_EQ(curve.balances.size(), 3U);
    EXPECT_EQ(macf::dex::to_string(curve.rates[1]),
              "1000000000000000000000000000000");  // 10^30 for 6 decimals
}

/// A metapool of RAI and an LP token over a base pool of DAI and USDC (listed after it), for
/// the error cases: `base_extra` and `meta_extra` are appended to the two pool objects.
std::string metapool_market(const std::string& base_extra, const std::string& meta_extra) {
    const std::string tokens = R"("tokens":[
 {"address":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2","symbol":"WETH","decimals":18},
 {"address":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","symbol":"USDC","decimals":6},
 {"address":"0x6b175474e89094c44da98b954eedeac495271d0f","symbol":"DAI","decimals":18},
 {"address":"0x03ab458634910aad20ef5f1c8ee96f1d6ac54919","symbol":"RAI","decimals":18},
 {"address":"0x6c3f90f043a72fa612cbac8115ee7e52bde6e490","symbol":"LP","decimals":18}])";
    const std::string meta =
        R"({"kind":"curve_meta","address":"0x618788357d0ebd8a37e763adab3bc575d54c2c7d",)"
        R"("coins":["0x03ab458634910aad20ef5f1c8ee96f1d6ac54919","0x6c3f90f043a72fa612cbac8115ee7e52bde6e490"],)"
        R"("base_pool":"0xbebc44782c7db0a1a60cb6fe97d0b483032ff1c7","balances":["1000","1000"],)"
        R"("A":10000,"fee":"4000000")" +
        meta_extra + "}";
    const std::string base =
        R"({"kind":"curve_stable","address":"0xbebc44782c7db0a1a60cb6fe97d0b483032ff1c7",)"
        R"("coins":["0x6b175474e89094c44da98b954eedeac495271d0f","0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"],)"
        R"("balances":["1000000000000000000000","1000000000"],"A":200,"fee":"1000000")" +
        base_extra + "}";
    return R"({"format":"macf-market/1",)" + tokens + R"(,"pools":[)" + meta + "," + base + "]}";
}

/// `text` with the first `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

TEST(MarketJson, MetapoolsNameABaseCurvePoolWithItsLpSupply) {
    const std::string supply = R"(,"lp_supply":"1990000000000000000000")";
    const auto m = macf::host::parse_market(metapool_market(supply, ""));
    ASSERT_EQ(m.pools[0].tokens.size(), 4U);  // RAI, LP, then the base's DAI and USDC
    EXPECT_EQ(m.pools[0].tokens[2], m.pools[1].tokens[0]);
    EXPECT_EQ(m.pools[0].tokens[3], m.pools[1].tokens[1]);
    const auto& meta = std::get<macf::host::CurveMetaState>(m.pools[0].state);
    EXPECT_EQ(macf::dex::to_string(meta.base.lp_supply), "1990000000000000000000");
    EXPECT_EQ(meta.a_precision, 100U);
    EXPECT_EQ(macf::dex::to_string(meta.rate), "1000000000000000000");  // 18 decimals

    expect_error(metapool_market("", ""), {"m.json", "pools[0]", "base_pool", "has no lp_supply"});
    expect_error(metapool_market(R"(,"lp_supply":"0")", ""),
                 {"pools[1]", "\"lp_supply\"", "must be positive"});
    const std::string base = "0xbebc44782c7db0a1a60cb6fe97d0b483032ff1c7";
    expect_error(
        replaced(metapool_market(supply, ""), base, "0x0000000000000000000000000000000000000002"),
        {"pools[0]", "0x0000000000000000000000000000000000000002", "is not a pool of the market"});
    std::string v2_base = metapool_market(supply, "");
    v2_base.replace(v2_base.rfind("]}"), 2, "," + kV2 + "]}");
    expect_error(replaced(v2_base, base, "0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc"),
                 {"pools[0]", "is a uniswap_v2 pool, not curve_stable"});
    expect_error(replaced(metapool_market(supply, ""),
                          R"("coins":["0x03ab458634910aad20ef5f1c8ee96f1d6ac54919")",
                          R"("coins":["0x6b175474e89094c44da98b954eedeac495271d0f")"),
                 {"pools[0]", "trades the metapool's coin"});
    expect_error(replaced(metapool_market(supply, ""), R"(","0x6c3f)",
                          R"(","0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2","0x6c3f)"),
                 {"pools[0]", "two coins"});
    expect_error(metapool_market(supply, R"(,"rate":"0")"), {"\"rate\"", "positive"});
    expect_error(metapool_market(supply, R"(,"base_virtual_price":"0")"),
                 {"\"base_virtual_price\"", "positive"});
    expect_error(metapool_market(supply, R"(,"base":"x")"), {"\"base\"", "unknown field"});
}

TEST(MarketJson, BigReservesAreExact) {
    const auto m = macf::host::parse_market(market_with(kV2));
    const auto& s = std::get<macf::host::UniswapV2State>(m.pools[0].state);
    EXPECT_EQ(macf::dex::to_string(s.reserve0), "176560092727090");
    EXPECT_EQ(
        m.find_pool(*macf::host::Address::parse("0xB4E16D0168E52D35CACD2C6185B44281EC28C9DC")), 0U);
    EXPECT_FALSE(
        m.find_pool(*macf::host::Address::parse("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")));
    EXPECT_EQ(macf::dex::to_string(s.reserve1), "524595304157729979983018");
}

TEST(MarketJson, WriteThenReadGivesTheSameMarket) {
    const auto m =
        macf::host::load_market(std::string(MACF_SOURCE_DIR) + "/docs/market-example.json");
    std::ostringstream out;
    macf::host::write_market(m, out);
    const auto back = macf::host::parse_market(out.str());
    std::ostringstream again;
    macf::host::write_market(back, again);
    EXPECT_EQ(out.str(), again.str());
}

TEST(MarketJson, MalformedJson) {
    expect_error(R"({"format":"macf-market/1","tokens":[)", {"m.json", "malformed JSON"});
    expect_error(market_with(kV2) + "x", {"malformed JSON"});
    expect_error("[1,2]", {"expected a JSON object"});
}

TEST(MarketJson, WrongFormatOrMissingSection) {
    expect_error(R"({"format":"other","tokens":[],"pools":[]})",
                 {"field \"format\"", "macf-market/1"});
    expect_error(R"({"format":"macf-market/1","pools":[]})", {"field \"tokens\"", "missing"});
    expect_error(std::string(R"({"format":"macf-market/1",)") + kTokens + "}",
                 {"field \"pools\"", "missing"});
}

TEST(MarketJson, MissingFieldNamesPoolAndField) {
    std::string p = kV2;
    p.replace(p.find(R"("reserve0":176560092727090,)"), 27, "");
    expect_error(market_with(p), {"pools[0]", "0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc",
                                  "\"reserve0\"", "missing"});
}

TEST(MarketJson, UnknownPoolKind) {
    std::string p = kV2;
    p.replace(p.find("uniswap_v2"), 10, "uniswap_v9");
    expect_error(market_with(p), {"pools[0]", "\"kind\"", "unknown pool kind 'uniswap_v9'"});
}

TEST(MarketJson, ReserveOverflowingUint112) {
    std::string p = kV2;
    p.replace(p.find("176560092727090"), 15, "5192296858534827628530496329220096");  // 2^112
    expect_error(market_with(p), {"pools[0]", "\"reserve0\"", "does not fit in uint112"});
    std::string q = kV2;
    q.replace(q.find("176560092727090"), 15, "5192296858534827628530496329220095");  // 2^112 − 1
    EXPECT_NO_THROW((void)macf::host::parse_market(market_with(q)));
}

TEST(MarketJson, TokenNotListed) {
    std::string p = kV2;
    p.replace(p.find("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"), 42,
              "0x1111111111111111111111111111111111111111");
    expect_error(market_with(p), {"pools[0]", "\"token0\"",
                                  "0x1111111111111111111111111111111111111111", "not listed"});
}

TEST(MarketJson, DuplicateAddresses) {
    expect_error(market_with(kV2 + "," + kV2), {"pools[1]", "duplicate address", "pools[0]"});
    const std::string dup_token =
        std::string(R"({"format":"macf-market/1","tokens":[)") +
        R"({"address":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2","symbol":"WETH","decimals":18},)"
        R"({"address":"0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2","symbol":"WETH2","decimals":18}],"pools":[]})";
    expect_error(dup_token, {"tokens[1]", "duplicate address", "tokens[0]"});
}

TEST(MarketJson, WrongTypesAndValues) {
    std::string p = kV2;
    p.replace(p.find("\"fee_bps\":30"), 12, "\"fee_bps\":10000");
    expect_error(market_with(p), {"\"fee_bps\"", "out of range"});
    std::string q = kV2;
    q.replace(q.find("176560092727090"), 15, "-5");
    expect_error(market_with(q), {"\"reserve0\"", "not an unsigned integer"});
    std::string r = kV2;
    r.replace(r.find("176560092727090"), 15, "[1]");
    expect_error(market_with(r), {"\"reserve0\"", "got array"});
    std::string s = kV2;
    s.replace(s.find("\"dex\""), 5, "\"dexx\"");
    expect_error(market_with(s), {"\"dexx\"", "unknown field"});
    std::string t = kV2;
    t.replace(t.find("0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc"), 42, "0xb4e1");
    expect_error(market_with(t), {"pools[0]", "\"address\"", "not an address"});
}

TEST(MarketJson, V3AndMultiTokenChecks) {
    const std::string v3 =
        R"({"kind":"uniswap_v3","address":"0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640",)"
        R"("token0":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","token1":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",)"
        R"("fee":500,"tick_spacing":10,"sqrt_price_x96":"1","liquidity":"1","tick":0,"ticks":[]})";
    expect_error(market_with(v3), {"\"sqrt_price_x96\"", "MIN_SQRT_RATIO"});
    std::string v3_tick = v3;  // price 1.0 (2^96) is tick 0, not 5
    v3_tick.replace(v3_tick.find("\"1\",\"liquidity\""), 3, "\"79228162514264337593543950336\"");
    v3_tick.replace(v3_tick.find("\"tick\":0"), 8, "\"tick\":5");
    expect_error(market_with(v3_tick), {"\"tick\"", "does not match sqrt_price_x96"});
    std::string v3_boundary = v3_tick;  // exactly on tick 0's price, after a downward swap
    v3_boundary.replace(v3_boundary.find("\"tick\":5"), 8, "\"tick\":-1");
    EXPECT_NO_THROW((void)macf::host::parse_market(market_with(v3_boundary), "test"));
    std::string pow =
        R"({"kind":"balancer_weighted","address":"0x5c6ee304399dbdb9c8ef030ab642b10820db8f56",)"
        R"("tokens":["0x6b175474e89094c44da98b954eedeac495271d0f","0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"],)"
        R"("balances":["1","1"],"weights":["500000000000000000","500000000000000000"],"swap_fee":"3000000000000000","pow":"v3"})";
    expect_error(market_with(pow), {"\"pow\"", "\"v1\" or \"v2\""});
    const std::string curve =
        R"({"kind":"curve_stable","address":"0xbebc44782c7db0a1a60cb6fe97d0b483032ff1c7",)"
        R"("coins":["0x6b175474e89094c44da98b954eedeac495271d0f","0x6b175474e89094c44da98b954eedeac495271d0f"],)"
        R"("balances":["1","1"],"A":2000,"fee":4000000})";
    expect_error(market_with(curve), {"\"coins\"", "twice"});
    const std::string weighted =
        R"({"kind":"balancer_weighted","address":"0x5c6ee304399dbdb9c8ef030ab642b10820db8f56",)"
        R"("tokens":["0x6b175474e89094c44da98b954eedeac495271d0f","0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"],)"
        R"("balances":["1","1"],"weights":["500000000000000000","400000000000000000"],"swap_fee":"3000000000000000"})";
    expect_error(market_with(weighted), {"\"weights\"", "not 10^18"});
}

TEST(MarketJson, UnreadableFile) {
    EXPECT_THROW((void)macf::host::load_market("/nonexistent/market.json"), MarketError);
}

}  // namespace
