// SPDX-License-Identifier: Apache-2.0
// The macf command as a user runs it: exit codes, help, JSON output, errors.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "macf/chain/json.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/model/safe_text.hpp"
#include "run_macf.hpp"

namespace {

using Result = macf::test::CommandResult;

/// Runs `macf ARGS`, capturing stdout (stderr to `err_file` when given).
Result run(const std::string& args, const std::string& err_file = "/dev/null") {
    return macf::test::run_macf(args, "2>" + err_file);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

const std::string kSample = std::string(MACF_SOURCE_DIR) + "/data/sample-market.json";

TEST(Cli, HelpIsCompleteAndExitsZero) {
    const auto top = run("--help");
    EXPECT_EQ(top.code, 0);
    for (const char* sub : {"scan", "gen", "import-pairs", "quote", "sync", "deploy-executor",
                            "execute", "serve", "bench"})
        EXPECT_NE(top.out.find(sub), std::string::npos);
    const auto scan = run("scan --help");
    EXPECT_EQ(scan.code, 0);
    for (const char* opt : {"--market", "--mode", "--base", "--max-hops", "--top", "--json",
                            "--v3-hop-gas", "--max-workers", "--batch-size", "--min-liquidity",
                            "--exclude-token", "--flash-fee-bps", "--gas-price-gwei"}) {
        EXPECT_NE(scan.out.find(opt), std::string::npos) << opt;
    }
    EXPECT_EQ(run("").code, 2);      // a subcommand is required
    EXPECT_EQ(run("scan").code, 2);  // --market is required
    EXPECT_EQ(run("scan --market " + kSample + " --mode fast").code, 2);
}

TEST(Cli, ScanAllModesAsJson) {
    const auto r = run("scan --market " + kSample + " --mode all --json --top 3");
    ASSERT_EQ(r.code, 0) << r.out;
    // The JSON output is valid JSON (read back by the same parser family) with the MACF keys.
    for (const char* key : {"\"modes_agree\":true", "\"mode\":\"sequential\"", "\"mode\":\"batch\"",
                            "\"mode\":\"parallel\"", "\"mode\":\"ultra\"", "\"speedup_factor\"",
                            "\"cache_hit_rate\"", "\"opportunities_processed\"", "\"batch_count\"",
                            "\"parallel_executions\"", "\"cache_hits\"", "\"total_time\"",
                            "\"cycles_per_second\"", "\"net_profit\"", "\"hops_4\""}) {
        EXPECT_NE(r.out.find(key), std::string::npos) << key;
    }
    EXPECT_EQ(r.out.find("\"opportunities_total\":0,"), std::string::npos)
        << "sample has arbitrage";
}

TEST(Cli, BadMarketGivesAClearErrorAndExitOne) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string bad = (dir / "macf_bad_market.json").string();
    std::ofstream(bad) << R"({"format":"macf-market/1","tokens":[],"pools":[{"kind":"nope"}]})";
    const std::string err = (dir / "macf_bad_market.err").string();
    const auto r = run("scan --market " + bad, err);
    EXPECT_EQ(r.code, 1);
    const std::string msg = slurp(err);
    EXPECT_NE(msg.find("pools[0]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"address\""), std::string::npos) << msg;
    EXPECT_EQ(run("scan --market " + kSample + " --base NOSUCHTOKEN", err).code, 1);
    EXPECT_NE(slurp(err).find("NOSUCHTOKEN"), std::string::npos);
}

TEST(Cli, ControlCharactersNeverReachTheTerminalOrTheLog) {
    // A token symbol with an escape sequence and a newline (from a market file; a token
    // contract's symbol() is treated the same), and a --base naming it raw: the plain log and
    // the text results show them escaped, so no line is forged and no escape reaches a terminal.
    const auto dir = std::filesystem::temp_directory_path();
    const std::string market = (dir / "macf_evil_symbol.json").string();
    {
        std::ifstream in(kSample);
        std::stringstream text;
        text << in.rdbuf();
        std::string json = text.str();
        const auto at = json.find("\"symbol\":\"WETH\"");
        ASSERT_NE(at, std::string::npos);
        json.replace(at, 15, R"("symbol":"W\u001b[31mX\nforged line")");
        std::ofstream(market) << json;
    }
    const std::string err = (dir / "macf_evil_symbol.err").string();
    const auto r = run("scan --market " + market + " --max-hops 2 --top 3", err);
    EXPECT_EQ(r.code, 0);
    const std::string log = slurp(err);
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "an escape reached stdout";
    EXPECT_EQ(r.out.find("\nforged line"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("W\\x1b[31mX\\nforged line"), std::string::npos) << r.out;
    const auto bad =
        run("scan --market " + kSample + " --base \"$(printf 'EVIL\\033[2J\\nforged line')\"", err);
    EXPECT_EQ(bad.code, 1);
    const std::string message = slurp(err);
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
    EXPECT_EQ(message.find("\nforged line"), std::string::npos) << message;
    EXPECT_NE(message.find("EVIL\\x1b[2J\\nforged line"), std::string::npos) << message;
    EXPECT_EQ(log.find('\x1b'), std::string::npos);
}

TEST(SafeText, EscapesControlsAndBrokenUtf8AndKeepsText) {
    using macf::host::safe_text;
    EXPECT_EQ(safe_text("WETH"), "WETH");
    EXPECT_EQ(safe_text("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(safe_text(std::string("\x1b[31m\x7f\0", 7)), "\\x1b[31m\\x7f\\x00");
    EXPECT_EQ(safe_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x84"),
              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x84");
    EXPECT_EQ(safe_text("\xc2\x9b"
                        "2J"),
              "\\u009b2J");                                   // C1 CSI
    EXPECT_EQ(safe_text("\x9b\xff\xc3"), "\\x9b\\xff\\xc3");  // not UTF-8
    EXPECT_EQ(safe_text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(safe_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Cli, OutputThatCannotBeWrittenIsAnErrorNotExitZero) {
    // /dev/full fails every write with ENOSPC, as a full disk does.
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
    const std::string err =
        (std::filesystem::temp_directory_path() / "macf_full_disk.err").string();
    for (const std::string& args :
         {std::string("gen --seed 5 --tokens 50 --pools 200 -o -"),
          "scan --market " + kSample + " --json", "scan --market " + kSample + " --max-hops 2",
          "quote --market " + kSample +
              " --pool 0x63d02e7f9ff9a1bb0d7bce06024729592b5b95fc --token-in "
              "0x2df29eaa545ea3be87c28bdaab894984724c6e9d --amount-in 1000000 --json"}) {
        const auto r = macf::test::run_macf(args, ">/dev/full 2>" + err);
        EXPECT_EQ(r.code, 1) << args;
        EXPECT_NE(slurp(err).find("could not write the results to stdout"), std::string::npos)
            << args << ": " << slurp(err);
    }
}

TEST(Cli, GenIsDeterministicAndScannable) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string a = (dir / "macf_gen_a.json").string();
    const std::string b = (dir / "macf_gen_b.json").string();
    ASSERT_EQ(run("gen --seed 5 --tokens 50 --pools 200 -o " + a).code, 0);
    ASSERT_EQ(run("gen --seed 5 --tokens 50 --pools 200 -o " + b).code, 0);
    EXPECT_EQ(slurp(a), slurp(b));
    EXPECT_NO_THROW((void)macf::host::load_market(a));
    EXPECT_EQ(run("scan --market " + a + " --mode sequential --max-hops 3").code, 0);
}

}  // namespace

TEST(Cli, BenchRunsEveryModeAndWritesJsonAndAChart) {
    const std::string dir = ::testing::TempDir();
    const std::string json = dir + "macf-bench-test.json";
    const std::string png = dir + "macf-bench-test.png";
    std::remove(png.c_str());
    const auto r = run("bench --generate 300 700 --repeat 1 --max-hops 3 --json-out " + json +
                       " --png " + png);
    ASSERT_EQ(r.code, 0) << r.out;
    for (const char* mode : {"sequential", "batch", "parallel", "ultra"})
        EXPECT_NE(r.out.find(mode), std::string::npos) << mode;
    EXPECT_NE(r.out.find("all modes returned the same opportunities"), std::string::npos);
    const auto doc = macf::chain::json::parse(slurp(json));
    const auto& markets = doc.find("markets")->items;
    ASSERT_EQ(markets.size(), 2U);
    for (const auto& m : markets) {
        EXPECT_TRUE(m.find("modes_agree")->boolean);
        ASSERT_EQ(m.find("runs")->items.size(), 4U);
        EXPECT_EQ(m.find("runs")->items[0].find("speedup")->text, "1");
    }
    if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
        EXPECT_GT(std::filesystem::file_size(png), 1000U);
    }
    EXPECT_EQ(run("bench --market " + kSample + " --generate 10").code, 2);  // one or the other
}
