// SPDX-License-Identifier: Apache-2.0
// quote_pool on the example market (one pool of each kind) and `macf quote` as users run it.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "macf/dex/u256_text.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/model/pool_quote.hpp"
#include "run_macf.hpp"

namespace {

using macf::dex::U256;
using macf::host::PoolKind;

const std::string kExample = std::string(MACF_SOURCE_DIR) + "/docs/market-example.json";

const macf::host::Pool& pool_of(const macf::host::Market& m, PoolKind kind) {
    for (const auto& p : m.pools) {
        if (p.kind == kind) return p;
    }
    throw std::runtime_error("no pool of that kind");
}

TEST(PoolQuote, EveryKindQuotesBothWaysConsistently) {
    const auto market = macf::host::load_market(kExample);
    for (const PoolKind kind : {PoolKind::kUniswapV2, PoolKind::kUniswapV3, PoolKind::kCurveStable,
                                PoolKind::kBalancerWeighted, PoolKind::kBalancerStable}) {
        const auto& pool = pool_of(market, kind);
        SCOPED_TRACE(std::string(macf::host::pool_kind_name(kind)));
        // 0.1 % of the input-side balance-like scale: a unit of the token times 1000.
        U256 amount{1};
        for (unsigned d = 0; d < market.tokens[pool.tokens[0]].decimals; ++d)
            amount = amount * U256{10};
        amount = amount * U256{1000};
        const auto forward = macf::host::quote_pool(pool, 0, 1, amount, true);
        ASSERT_TRUE(forward.ok()) << forward.error;
        EXPECT_EQ(forward.amount_in, amount);
        EXPECT_FALSE(forward.amount_out.is_zero());
        if (kind == PoolKind::kCurveStable) {
            const auto back = macf::host::quote_pool(pool, 0, 1, forward.amount_out, false);
            EXPECT_FALSE(back.ok());  // Curve plain pools have no exact-output swap
            continue;
        }
        // Buying exactly what `amount` bought never costs more than `amount`, and buying one wei
        // more never costs less: the pools round in their own favour.
        const auto back = macf::host::quote_pool(pool, 0, 1, forward.amount_out, false);
        ASSERT_TRUE(back.ok()) << back.error;
        EXPECT_LE(back.amount_in, amount);
        const auto more = macf::host::quote_pool(pool, 0, 1, forward.amount_out + U256{1}, false);
        ASSERT_TRUE(more.ok()) << more.error;
        EXPECT_GE(more.amount_in, back.amount_in);
        EXPECT_EQ(forward.v3_after.has_value(), kind == PoolKind::kUniswapV3);
    }
}

TEST(PoolQuote, BadRequestsAreErrorsNotCrashes) {
    const auto market = macf::host::load_market(kExample);
    const auto& v2 = pool_of(market, PoolKind::kUniswapV2);
    EXPECT_FALSE(macf::host::quote_pool(v2, 0, 0, U256{5}, true).ok());
    EXPECT_FALSE(macf::host::quote_pool(v2, 0, 7, U256{5}, true).ok());
    EXPECT_FALSE(macf::host::quote_pool(v2, 0, 1, U256{}, true).ok());
    EXPECT_FALSE(macf::host::quote_pool(v2, 0, 1, U256::max(), true).ok());  // past uint256
    const auto& state = std::get<macf::host::UniswapV2State>(v2.state);
    EXPECT_FALSE(macf::host::quote_pool(v2, 0, 1, state.reserve1, false).ok());  // all of it
    const auto& v3 = pool_of(market, PoolKind::kUniswapV3);
    EXPECT_FALSE(macf::host::quote_pool(v3, 0, 1, U256::max(), true).ok());  // not an int256
    const auto& weighted = pool_of(market, PoolKind::kBalancerWeighted);
    const auto& w = std::get<macf::host::BalancerWeightedState>(weighted.state);
    const auto big = macf::host::quote_pool(weighted, 0, 1, w.balances[0], true);
    EXPECT_NE(big.error.find("BAL#304"), std::string::npos) << big.error;
}

/// Runs `macf ARGS` with stderr merged into the capture (errors are checked too).
macf::test::CommandResult run(const std::string& args) {
    return macf::test::run_macf(args, "2>&1");
}

TEST(QuoteCommand, PrintsTheExactSwapAndTheStateAfter) {
    const auto market = macf::host::load_market(kExample);
    const auto& v3 = pool_of(market, PoolKind::kUniswapV3);
    const U256 amount{1000000000000ULL};
    const auto q = macf::host::quote_pool(v3, 0, 1, amount, true);
    ASSERT_TRUE(q.ok());
    const auto r = run("quote --market " + kExample + " --pool " + v3.address.to_hex() +
                       " --token-in USDC --amount-in 1000000000000 --json");
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("\"amount_out\":\"" + macf::dex::to_string(q.amount_out) + "\""),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\"tick\":" + std::to_string(q.v3_after->tick)), std::string::npos);
    const auto text = run("quote --market " + kExample + " --pool " + v3.address.to_hex() +
                          " --token-in USDC --amount-in 1000000000000");
    EXPECT_EQ(text.code, 0);
    EXPECT_NE(text.out.find("sqrtPriceX96"), std::string::npos) << text.out;
}

TEST(QuoteCommand, BadInputGivesAClearErrorAndExitCode) {
    const auto market = macf::host::load_market(kExample);
    const std::string v2 = pool_of(market, PoolKind::kUniswapV2).address.to_hex();
    const std::string curve = pool_of(market, PoolKind::kCurveStable).address.to_hex();
    const std::string base = "quote --market " + kExample + " ";
    struct Case {
        std::string args;
        int code;
        const char* message;
    };
    const Case cases[] = {
        {"--pool 0x0000000000000000000000000000000000000001 --token-in USDC --amount-in 5", 1,
         "no pool"},
        {"--pool nonsense --token-in USDC --amount-in 5", 1, "not an address"},
        {"--pool " + v2 + " --token-in DAI --amount-in 5", 1, "is not traded by pool"},
        {"--pool " + v2 + " --token-in USDC --amount-in 12x", 1, "not an integer amount"},
        {"--pool " + v2 + " --token-in USDC --amount-in 5 --amount-out 5", 2, "excludes"},
        {"--pool " + v2 + " --token-in USDC", 2, "one of --amount-in or --amount-out"},
        {"--pool " + v2 + " --token-in USDC --amount-in 0", 1, "must be positive"},
        {"--pool " + curve + " --token-in DAI --amount-in 5", 1, "--token-out: required"},
        {"--pool " + curve + " --token-in DAI --token-out USDC --amount-out 5", 1,
         "no exact-output"},
    };
    for (const auto& c : cases) {
        const auto r = run(base + c.args);
        EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.out;
        EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << "\n" << r.out;
    }
}

}  // namespace
