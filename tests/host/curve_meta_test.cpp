// SPDX-License-Identifier: Apache-2.0
// Curve metapools as a market kind: the RAI/3Crv metapool at block 25144000 written as a
// macf-market/1 snapshot (its base 3pool listed with it), every on-chain get_dy and
// get_dy_underlying result of ../shared/data/degenbot-onchain-oracles through `macf quote`;
// the base virtual price macf computes when the snapshot has no cached one; the pairs a
// metapool refuses.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "macf/chain/json.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/model/pool_quote.hpp"
#include "run_macf.hpp"

namespace {

namespace json = macf::chain::json;

const std::string kOracles = std::string(MACF_SHARED_DATA) + "/degenbot-onchain-oracles/";
const std::string kRaiPool = "0x618788357d0ebd8a37e763adab3bc575d54c2c7d";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const json::Value& field(const json::Value& obj, std::string_view name) {
    const json::Value* v = obj.find(name);
    if (v == nullptr) throw std::runtime_error("fixture without " + std::string(name));
    return *v;
}

/// `"text"` of a fixture number (kept exact as its raw text).
std::string quoted(const json::Value& v) { return "\"" + v.text + "\""; }

std::string number_list(const json::Value& arr) {
    std::string out = "[";
    for (std::size_t i = 0; i < arr.items.size(); ++i) out += (i ? "," : "") + quoted(arr.items[i]);
    return out + "]";
}

std::string address_list(const json::Value& tokens) {
    std::string out = "[";
    for (std::size_t i = 0; i < tokens.items.size(); ++i)
        out += std::string(i ? "," : "") + "\"" + field(tokens.items[i], "address").text + "\"";
    return out + "]";
}

/// The fixture as a snapshot; `cached` keeps the metapool's cached base virtual price.
std::string rai_snapshot(const json::Value& fixture, bool cached) {
    const json::Value& base = field(fixture, "base_pool");
    std::string tokens;
    for (const json::Value* list : {&field(fixture, "tokens"), &field(base, "tokens")}) {
        for (const auto& t : list->items) {
            tokens += std::string(tokens.empty() ? "" : ",") + "{\"address\":\"" +
                      field(t, "address").text + "\",\"symbol\":\"" + field(t, "symbol").text +
                      "\",\"decimals\":" + field(t, "decimals").text + "}";
        }
    }
    const std::string base_pool =
        "{\"kind\":\"curve_stable\",\"address\":\"" + field(base, "address").text +
        "\",\"coins\":" + address_list(field(base, "tokens")) +
        ",\"balances\":" + number_list(field(base, "balances")) +
        ",\"A\":" + quoted(field(base, "a_coefficient")) +  // the 3pool keeps raw A
        ",\"a_precision\":1,\"fee\":" + quoted(field(base, "fee")) +
        ",\"lp_supply\":" + quoted(field(base, "lp_token_total_supply")) + "}";
    // No ramp in progress: initial_a = future_a = A · A_PRECISION.
    if (field(fixture, "initial_a").text != field(fixture, "future_a").text)
        throw std::runtime_error("the fixture's A is ramping");
    std::string meta = "{\"kind\":\"curve_meta\",\"address\":\"" + field(fixture, "address").text +
                       "\",\"coins\":" + address_list(field(fixture, "tokens")) +
                       ",\"base_pool\":\"" + field(base, "address").text +
                       "\",\"balances\":" + number_list(field(fixture, "balances")) +
                       ",\"rate\":" + quoted(field(fixture, "redemption_price")) +
                       ",\"A\":" + quoted(field(fixture, "initial_a")) +
                       ",\"a_precision\":100,\"fee\":" + quoted(field(fixture, "fee"));
    if (cached) meta += ",\"base_virtual_price\":" + quoted(field(fixture, "base_virtual_price"));
    meta += "}";
    return "{\"format\":\"macf-market/1\",\"chain_id\":1,\"block\":" +
           field(fixture, "block").text + ",\"tokens\":[" + tokens + "],\"pools\":[" + meta + "," +
           base_pool + "]}";
}

class CurveMetapool : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string text = read_text(
            kOracles + "fixtures/chain_data/1/curve_metapool_rai_3crv_block_25144000.json");
        if (text.empty()) GTEST_SKIP() << "no " << kOracles << " (../shared/data is absent)";
        fixture_ = json::parse(text);
        path_ = std::filesystem::temp_directory_path() /
                ("macf-rai-3crv-" + std::to_string(::getpid()) + ".json");
        std::ofstream(path_) << rai_snapshot(fixture_, true);
    }
    void TearDown() override {
        if (!path_.empty()) std::filesystem::remove(path_);
    }

    json::Value fixture_;
    std::filesystem::path path_;
};

TEST_F(CurveMetapool, RaiAt25144000ThroughMacfQuoteEqualsEveryOnchainResult) {
    const json::Value golden = json::parse(read_text(
        kOracles +
        "golden/data/tests/curve/test_curve_onchain_parity/test_curve_metapool_get_dy.json"));
    ASSERT_EQ(field(golden, "block_number").text, field(fixture_, "block").text);
    const json::Value& entries = field(golden, "entries");
    ASSERT_EQ(entries.fields.size(), 42U);
    std::size_t underlying = 0;
    for (const auto& [key, value] : entries.fields) {
        // "<pool>|<method>|<FROM>-><TO>|<amount>"
        std::vector<std::string> parts;
        std::stringstream in(key);
        for (std::string part; std::getline(in, part, '|');) parts.push_back(part);
        ASSERT_EQ(parts.size(), 4U) << key;
        const auto arrow = parts[2].find("->");
        const std::string from = parts[2].substr(0, arrow);
        const std::string to = parts[2].substr(arrow + 2);
        underlying += parts[1] == "get_dy_underlying" ? 1 : 0;
        // The view rounding, as the recorded calls were views; the exchange rounding agrees
        // on the template pool (A_PRECISION 100) and its own coin's underlying swaps, not
        // necessarily between two base coins (the 3pool's exchange rounds its fee apart).
        const bool base_to_base = from != "RAI" && to != "RAI";
        for (const char* rounding : {"view", "exchange"}) {
            if (base_to_base && std::string(rounding) == "exchange") continue;
            const auto r = macf::test::run_macf(
                "quote --json --curve-rounding " + std::string(rounding) + " --market " +
                path_.string() + " --pool " + kRaiPool + " --token-in " + from + " --token-out " +
                to + " --amount-in " + parts[3]);
            ASSERT_EQ(r.code, 0) << key << ": " << r.out;
            const auto answer = json::parse(r.out);
            EXPECT_EQ(field(answer, "amount_out").text, field(value, "value").text)
                << key << " (" << rounding << ")";
            EXPECT_EQ(field(answer, "curve_rounding").text, rounding);
        }
    }
    EXPECT_EQ(underlying, 36U);  // 6 pairs through the base pool, 6 amounts each
}

TEST_F(CurveMetapool, WithoutACachedRateTheBaseVirtualPriceIsTheBasePoolsOwn) {
    // The 3pool's get_virtual_price at the block, recorded with the fixture; the metapool's
    // cached rate is an older one.
    const auto market = macf::host::parse_market(rai_snapshot(fixture_, false), "rai.json");
    const auto& state = std::get<macf::host::CurveMetaState>(market.pools[0].state);
    ASSERT_FALSE(state.base_virtual_price.has_value());
    const auto view = macf::host::curve_meta_view(state);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(macf::dex::to_string(view->meta.rates[1]),
              field(field(fixture_, "base_pool"), "virtual_price").text);
    EXPECT_NE(macf::dex::to_string(view->meta.rates[1]),
              field(fixture_, "base_virtual_price").text);
}

TEST_F(CurveMetapool, PairsAMetapoolDoesNotSwapAreClearErrors) {
    const std::string base = "quote --market " + path_.string() + " --pool " + kRaiPool;
    // The LP token against a base coin is a deposit or a withdrawal, not a swap.
    for (const auto& [in, out] : {std::pair{"3Crv", "DAI"}, std::pair{"USDC", "3Crv"}}) {
        const auto r = macf::test::run_macf(
            base + " --token-in " + in + " --token-out " + out + " --amount-in 1000000", "2>&1");
        EXPECT_EQ(r.code, 1) << r.out;
        EXPECT_NE(r.out.find("a metapool does not swap its base LP token for a base coin"),
                  std::string::npos)
            << r.out;
    }
    const auto exact_out =
        macf::test::run_macf(base + " --token-in RAI --token-out DAI --amount-out 1000", "2>&1");
    EXPECT_EQ(exact_out.code, 1) << exact_out.out;
    EXPECT_NE(exact_out.out.find("no exact-output swap"), std::string::npos) << exact_out.out;
    const auto bad_rounding = macf::test::run_macf(
        base + " --token-in RAI --token-out DAI --amount-in 1000 --curve-rounding up", "2>&1");
    EXPECT_EQ(bad_rounding.code, 2) << bad_rounding.out;
}

}  // namespace
