// SPDX-License-Identifier: Apache-2.0
// `macf quote`: the exact result of one swap on one pool of a market snapshot, to check against
// the chain (an eth_call of the pool or its quoter at the snapshot's block).

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "macf/dex/u256_text.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/io/quote_json.hpp"
#include "macf/host/model/pool_quote.hpp"

namespace macf::cli {
namespace {

struct QuoteOptions {
    std::string market;
    std::string pool;
    std::string token_in;
    std::string token_out;
    std::string amount_in;
    std::string amount_out;
    std::string curve_rounding = "exchange";
    bool json = false;
};

dex::U256 parse_amount(const std::string& text, const char* option) {
    dex::U256 v;
    if (!dex::parse_u256(text, v)) {
        throw std::runtime_error(
            std::string(option) + ": '" + text +
            "' is not an integer amount in wei below 2^256 (decimal or 0x hex)");
    }
    return v;
}

/// Position of token `address_or_symbol` in the pool's token list.
std::size_t position_in_pool(const host::Market& m, const host::Pool& pool,
                             const std::string& address_or_symbol, const char* option) {
    const std::uint32_t token = m.resolve_token(address_or_symbol);
    if (const auto k = host::token_position(pool, token)) return *k;
    throw std::runtime_error(std::string(option) + ": " + m.tokens[token].symbol + " (" +
                             m.tokens[token].address.to_hex() + ") is not traded by pool " +
                             pool.address.to_hex());
}

void run_quote(const QuoteOptions& opt) {
    const host::Market market = host::load_market(opt.market);
    const auto address = chain::Address::parse(opt.pool);
    if (!address) throw std::runtime_error("--pool: '" + opt.pool + "' is not an address");
    const auto pool_index = market.find_pool(*address);
    if (!pool_index) throw std::runtime_error("--pool: no pool " + opt.pool + " in " + opt.market);
    const host::Pool& pool = market.pools[*pool_index];
    const std::size_t in = position_in_pool(market, pool, opt.token_in, "--token-in");
    std::size_t out = 0;
    if (!opt.token_out.empty()) {
        out = position_in_pool(market, pool, opt.token_out, "--token-out");
    } else if (pool.tokens.size() == 2) {
        out = 1 - in;
    } else {
        throw std::runtime_error("--token-out: required for a pool of " +
                                 std::to_string(pool.tokens.size()) + " tokens");
    }
    const bool exact_input = !opt.amount_in.empty();
    const dex::U256 amount = exact_input ? parse_amount(opt.amount_in, "--amount-in")
                                         : parse_amount(opt.amount_out, "--amount-out");
    const auto rounding =
        opt.curve_rounding == "view" ? host::CurveRounding::kView : host::CurveRounding::kExchange;
    const host::PoolQuote q = host::quote_pool(pool, in, out, amount, exact_input, rounding);
    const host::Token& t_in = market.tokens[pool.tokens[in]];
    const host::Token& t_out = market.tokens[pool.tokens[out]];
    if (opt.json) {
        std::cout << host::quote_json(market, pool, in, out, exact_input, q, rounding) << "\n";
    } else {
        const std::string_view kind = host::pool_kind_name(pool.kind);
        std::cout << "pool        " << pool.address.to_hex() << " (" << kind
                  << (pool.dex.empty() || pool.dex == kind ? "" : ", " + pool.dex) << ")\n"
                  << "swap        " << t_in.symbol << " -> " << t_out.symbol << ", exact "
                  << (exact_input ? "input" : "output") << '\n';
        if (pool.kind == host::PoolKind::kCurveStable || pool.kind == host::PoolKind::kCurveMeta) {
            std::cout << "rounding    "
                      << (rounding == host::CurveRounding::kView
                              ? "view (get_dy)"
                              : "exchange (what the swap transfers)")
                      << '\n';
        }
        if (!q.ok()) {
            std::cout << "result      reverts: " << q.error << '\n';
        } else {
            std::cout << "amount in   " << dex::to_string(q.amount_in) << " wei ("
                      << dex::to_units(q.amount_in, t_in.decimals) << ' ' << t_in.symbol << ")\n"
                      << "amount out  " << dex::to_string(q.amount_out) << " wei ("
                      << dex::to_units(q.amount_out, t_out.decimals) << ' ' << t_out.symbol
                      << ")\n";
            if (q.v3_after) {
                std::cout << "after       sqrtPriceX96 "
                          << dex::to_string(q.v3_after->sqrt_price_x96) << ", liquidity "
                          << dex::to_string(q.v3_after->liquidity) << ", tick " << q.v3_after->tick
                          << " (" << q.v3_after->ticks_crossed << " initialized ticks crossed)\n";
            }
        }
    }
    if (!q.ok()) {
        spdlog::warn("the swap reverts: {}", q.error);
        requested_exit_code() = kExitError;
    }
}

}  // namespace

void add_quote_command(CLI::App& app) {
    auto opt = std::make_shared<QuoteOptions>();
    CLI::App* cmd = app.add_subcommand(
        "quote",
        "Print the exact result of one swap on one pool of a market snapshot: the amount the "
        "deployed contract would pay or take, to the wei (and for Uniswap V3 the price, "
        "liquidity and tick after it), or the revert it would hit. Exit 1 when it reverts. "
        "Curve: the amount exchange() transfers, or with --curve-rounding view what get_dy "
        "returns (3pool-era pools round the fee differently and can differ by a wei); a "
        "metapool's own coin against a base coin is get_dy_underlying; V3: to the default price "
        "limit, so a swap larger than the liquidity fills partially, as the pool would.");
    cmd->add_option("--market", opt->market, "Market snapshot (macf-market/1 JSON)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--pool", opt->pool, "Pool address")->required();
    cmd->add_option("--token-in", opt->token_in, "Token paid in: address or unique symbol")
        ->required();
    cmd->add_option("--token-out", opt->token_out,
                    "Token paid out (needed only for pools of more than two tokens)");
    auto* in = cmd->add_option("--amount-in", opt->amount_in,
                               "Exact input in wei of --token-in, fee included");
    auto* out = cmd->add_option("--amount-out", opt->amount_out,
                                "Exact output in wei of the token out (not for Curve)");
    in->excludes(out);
    out->excludes(in);
    cmd->add_option("--curve-rounding", opt->curve_rounding,
                    "Curve pools: 'exchange' (what the swap transfers) or 'view' (get_dy)")
        ->check(CLI::IsMember({"exchange", "view"}))
        ->capture_default_str();
    cmd->add_flag("--json", opt->json, "One JSON object on stdout (amounts as decimal strings)");
    cmd->callback([opt] {
        if (opt->amount_in.empty() && opt->amount_out.empty()) {
            throw CLI::ValidationError("one of --amount-in or --amount-out is required");
        }
        run_quote(*opt);
    });
}

}  // namespace macf::cli
