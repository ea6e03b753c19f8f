// SPDX-License-Identifier: Apache-2.0
// The real Uniswap V2 + SushiSwap market of 2020 (../shared/data/univ2-pairs-2020).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "macf/host/engine/coordinator.hpp"
#include "macf/host/io/univ2_import.hpp"
#include "macf/host/search/cycle_set.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(MACF_SHARED_DATA) / "univ2-pairs-2020";

std::vector<macf::host::PairsFile> real_files() {
    return {{kDir / "uniswap_v2_pairs.json", "uniswap_v2", 30},
            {kDir / "sushiswap_pairs.json", "sushiswap", 30}};
}

TEST(Univ2Import, RealMarketCountsAndCycles) {
    if (!fs::exists(kDir)) GTEST_SKIP() << "no real-data folder at " << kDir;
    macf::host::ImportReport report;
    const auto m = macf::host::import_pairs(real_files(), report);
    EXPECT_EQ(report.pairs_read, 10909U);  // 10,773 Uniswap + 136 SushiSwap
    EXPECT_EQ(report.zero_reserve_excluded, 70U);
    EXPECT_EQ(report.pairs_imported, 10839U);
    EXPECT_EQ(m.pools.size(), 10839U);
    EXPECT_EQ(report.tokens, 9142U);
    const macf::host::TokenGraph g(m, {});
    const auto cycles =
        macf::host::enumerate_cycles(g, std::vector<std::uint32_t>{m.resolve_token("WETH")}, 4);
    // Counted independently by a plain depth-first search in Python over the same files.
    EXPECT_EQ(cycles.count_by_length[2], 182U);
    EXPECT_EQ(cycles.count_by_length[3], 6172U);
    EXPECT_EQ(cycles.count_by_length[4], 299450U);
}

TEST(Univ2Import, MalformedFilesNameTheEntry) {
    const fs::path dir = fs::temp_directory_path() / "macf_import_test";
    fs::create_directories(dir);
    const auto write = [&](const std::string& name, const std::string& body) {
        std::ofstream(dir / name) << body;
        return dir / name;
    };
    const std::string tok0 =
        R"("token0":{"address":"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48","symbol":"USDC","decimal":6})";
    const std::string tok1 =
        R"("token1":{"address":"0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2","symbol":"WETH","decimal":18})";
    const auto pair = [&](const std::string& addr, const std::string& r0) {
        return R"({"address":")" + addr + R"(",)" + tok0 + "," + tok1 + R"(,"reserve0":)" + r0 +
               R"(,"reserve1":5})";
    };
    const std::string a = "0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc";
    macf::host::ImportReport r;
    EXPECT_THROW((void)macf::host::import_pairs({{write("bad.json", "[{"), "uniswap_v2", 30}}, r),
                 macf::host::MarketError);
    try {
        (void)macf::host::import_pairs(
            {{write("big.json", "[" + pair(a, "5192296858534827628530496329220096") + "]"), "u",
              30}},
            r);
        FAIL();
    } catch (const macf::host::MarketError& e) {
        EXPECT_NE(std::string(e.what()).find("[0]"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("uint112"), std::string::npos);
    }
    EXPECT_THROW(
        (void)macf::host::import_pairs(
            {{write("dup.json", "[" + pair(a, "1") + "," + pair(a, "2") + "]"), "u", 30}}, r),
        macf::host::MarketError);
    macf::host::ImportReport ok;
    const auto m =
        macf::host::import_pairs({{write("zero.json", "[" + pair(a, "0") + "]"), "u", 30}}, ok);
    EXPECT_EQ(ok.zero_reserve_excluded, 1U);
    EXPECT_TRUE(m.pools.empty());
    fs::remove_all(dir);
}

}  // namespace
