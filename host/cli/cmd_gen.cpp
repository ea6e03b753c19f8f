// SPDX-License-Identifier: Apache-2.0
// `macf gen`: write a deterministic synthetic market snapshot.

#include <spdlog/spdlog.h>

#include <memory>

#include "commands.hpp"
#include "macf/host/io/market_gen.hpp"
#include "market_output.hpp"

namespace macf::cli {
namespace {

struct GenOptions {
    host::GeneratorOptions gen;
    std::string out = "-";
};

}  // namespace

void add_gen_command(CLI::App& app) {
    auto opt = std::make_shared<GenOptions>();
    CLI::App* cmd = app.add_subcommand(
        "gen",
        "Generate a deterministic synthetic market (Uniswap V2, SushiSwap and PancakeSwap-fee "
        "pools, optionally Uniswap V3, Curve and Balancer pools): power-law token popularity, hub "
        "tokens WETH/USDC/USDT/DAI/WBTC, log-normal "
        "liquidity, small price noise and a few planted price dislocations. Same seed, same file.");
    cmd->add_option("--seed", opt->gen.seed, "Random seed")->capture_default_str();
    cmd->add_option("--tokens", opt->gen.tokens, "Tokens, including the 5 hubs")
        ->check(CLI::Range(6U, 50'000'000U))
        ->capture_default_str();
    cmd->add_option("--pools", opt->gen.pools, "Pools")
        ->check(CLI::Range(1U, 100'000'000U))
        ->capture_default_str();
    cmd->add_option("--dislocations", opt->gen.dislocations, "WETH pools moved 2-6 % off price")
        ->capture_default_str();
    cmd->add_option("--zipf", opt->gen.zipf_exponent,
                    "Token popularity exponent s (weight 1/rank^s)")
        ->check(CLI::Range(0.0, 4.0))
        ->capture_default_str();
    cmd->add_option("--price-noise", opt->gen.price_noise,
                    "Per-pool relative price deviation (standard deviation)")
        ->check(CLI::Range(0.0, 0.5))
        ->capture_default_str();
    cmd->add_option("--median-liquidity", opt->gen.median_liquidity_eth, "Median pool value in ETH")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option(
           "--v3-pools", opt->gen.v3_pools,
           "Uniswap V3 pools (full-range + concentrated positions; 1 in 5 priced 1-3 % off)")
        ->capture_default_str();
    cmd->add_option("--curve-pools", opt->gen.curve_pools,
                    "Curve StableSwap pools among USDC/USDT/DAI")
        ->capture_default_str();
    cmd->add_option("--balancer-pools", opt->gen.balancer_pools,
                    "Balancer V2 pools (weighted 50/50, 80/20, 60/40; 1 in 4 stable)")
        ->capture_default_str();
    cmd->add_option("--curve-meta-pools", opt->gen.curve_meta_pools,
                    "Curve metapools: a token against the LP token of one added base 3pool "
                    "(USDC/USDT/DAI), traded against the base coins too")
        ->capture_default_str();
    cmd->add_option("-o,--out", opt->out, "Output file ('-': stdout)")->capture_default_str();
    cmd->callback([opt] {
        const host::Market market = host::generate_market(opt->gen);
        write_market_output(market, opt->out);
        spdlog::info("generated {} tokens and {} pools (seed {}) into {}", market.tokens.size(),
                     market.pools.size(), opt->gen.seed, opt->out);
    });
}

}  // namespace macf::cli
