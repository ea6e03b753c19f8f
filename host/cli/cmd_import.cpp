// SPDX-License-Identifier: Apache-2.0
// `macf import-pairs`: turn univ2-pairs-2020 style pair lists into a market snapshot.

#include <spdlog/spdlog.h>

#include <memory>

#include "commands.hpp"
#include "macf/host/io/univ2_import.hpp"
#include "market_output.hpp"

namespace macf::cli {

void add_import_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> uniswap;
        std::vector<std::string> sushiswap;
        std::string out = "-";
    };
    auto opt = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "import-pairs",
        "Convert pair lists in the univ2-pairs-2020 layout (JSON array of {address, token0, "
        "token1, reserve0, reserve1}) into a market snapshot. Pairs with a zero reserve are left "
        "out and counted.");
    cmd->add_option("--uniswap-v2", opt->uniswap, "Uniswap V2 pairs file (fee 0.30 %); repeatable")
        ->check(CLI::ExistingFile);
    cmd->add_option("--sushiswap", opt->sushiswap, "SushiSwap pairs file (fee 0.30 %); repeatable")
        ->check(CLI::ExistingFile);
    cmd->add_option("-o,--out", opt->out, "Output file ('-': stdout)")->capture_default_str();
    cmd->callback([opt] {
        std::vector<host::PairsFile> files;
        for (const auto& f : opt->uniswap) files.push_back({f, "uniswap_v2", 30});
        for (const auto& f : opt->sushiswap) files.push_back({f, "sushiswap", 30});
        if (files.empty())
            throw std::invalid_argument("give at least one --uniswap-v2 or --sushiswap file");
        host::ImportReport report;
        const host::Market market = host::import_pairs(files, report);
        write_market_output(market, opt->out);
        spdlog::info("read {} pairs: imported {}, left out {} with a zero reserve; {} tokens",
                     report.pairs_read, report.pairs_imported, report.zero_reserve_excluded,
                     report.tokens);
    });
}

}  // namespace macf::cli
