// SPDX-License-Identifier: Apache-2.0
// `macf bench`: the MACF demo done honestly. Every mode scores the same market (or each of a
// list of generated markets), each round repeated and its median kept; the table gives time,
// speedup against sequential measured in the same run, and throughput; a JSON file keeps it
// all, and gnuplot (when installed) draws throughput per mode against market size.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench_incremental.hpp"
#include "commands.hpp"
#include "macf/cuda/device.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/io/json_text.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/search/backends/device_scorer.hpp"

namespace macf::cli {
namespace {

struct BenchOptions {
    std::string market;
    std::vector<std::uint32_t> generate;  ///< pools per generated market
    std::uint64_t seed = 42;
    unsigned repeat = 5;
    unsigned max_hops = 4;
    unsigned max_workers = 0;
    std::size_t batch_size = 4096;
    std::string json_out = "macf-bench.json";
    std::string png_out = "macf-bench.png";
    std::vector<std::uint32_t> incremental;  ///< changed-pool counts for incremental rounds
    unsigned rounds = 50;                    ///< incremental rounds per count and mode
};

struct ModeRun {
    host::Mode mode;
    double seconds = 0;
    double speedup = 0;
    double cycles_per_second = 0;
    double score_seconds = 0;     ///< median of the scoring stage alone
    double score_speedup = 0;     ///< sequential score_seconds ÷ this mode's
    double score_per_second = 0;  ///< cycles ÷ score_seconds: score-only throughput
    std::size_t opportunities = 0;
};

struct MarketRun {
    std::string name;
    std::size_t tokens = 0;
    std::size_t pools = 0;
    std::uint64_t cycles = 0;
    std::vector<ModeRun> modes;
    bool agree = true;
};

MarketRun bench_market(const std::string& name, const host::Market& m, const BenchOptions& o) {
    MarketRun out;
    out.name = name;
    out.tokens = m.tokens.size();
    out.pools = m.pools.size();
    host::TopologySettings ts;
    ts.base_tokens = {m.resolve_token("WETH")};
    ts.max_hops = o.max_hops;
    const auto topology = host::build_topology(m, ts);
    const auto& cycles = topology->cycles;
    out.cycles = cycles.size();
    host::RoundSettings rs;
    rs.costs.native_token = ts.base_tokens[0];
    host::ReserveCache cache;
    const auto states = host::market_states(m);
    cache.warm(states);
    // The modes take turns round by round, so drift (frequency, caches, neighbours) hits
    // them alike; the median round of each is kept.
    const host::Mode modes[] = {host::Mode::kSequential, host::Mode::kBatch, host::Mode::kParallel,
                                host::Mode::kUltra};
    std::vector<std::unique_ptr<host::Engine>> engines;
    for (const auto mode : modes) {
        host::CoordinatorConfig cfg;
        cfg.mode = mode;
        cfg.max_workers = o.max_workers;
        cfg.batch_size = o.batch_size;
        engines.push_back(std::make_unique<host::Engine>(topology, cfg, rs));
    }
    std::vector<std::vector<host::ScanResult>> tries(std::size(modes));
    for (unsigned i = 0; i < o.repeat; ++i) {
        for (std::size_t k = 0; k < std::size(modes); ++k) {
            cache.warm(states);  // every round starts from the same warm cache
            tries[k].push_back(engines[k]->score_all(m, &cache).scan);
        }
    }
    std::vector<host::Opportunity> reference;
    double sequential = 0;
    double sequential_score = 0;
    for (std::size_t k = 0; k < std::size(modes); ++k) {
        auto& t = tries[k];
        std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) {
            return a.metrics.total_time < b.metrics.total_time;
        });
        const auto& median = t[t.size() / 2];
        ModeRun r;
        r.mode = modes[k];
        r.seconds = median.metrics.total_time;
        r.cycles_per_second = r.seconds > 0 ? static_cast<double>(cycles.size()) / r.seconds : 0;
        r.opportunities = median.opportunities.size();
        std::vector<double> score;
        for (const auto& tr : t) score.push_back(tr.metrics.stages.score);
        std::sort(score.begin(), score.end());
        r.score_seconds = score[score.size() / 2];
        r.score_per_second =
            r.score_seconds > 0 ? static_cast<double>(cycles.size()) / r.score_seconds : 0;
        if (k == 0) {
            sequential_score = r.score_seconds;
            sequential = r.seconds;
            reference = median.opportunities;
        } else if (!host::same_opportunities(reference, median.opportunities)) {
            out.agree = false;
            spdlog::error("{}: mode {} returned different opportunities from sequential", name,
                          host::mode_name(r.mode));
        }
        r.speedup = r.seconds > 0 ? sequential / r.seconds : 0;
        r.score_speedup = r.score_seconds > 0 ? sequential_score / r.score_seconds : 0;
        spdlog::info("{}: {} {:.4f} s (median of {}), {:.3g} cycles/s", name,
                     host::mode_name(r.mode), r.seconds, o.repeat, r.cycles_per_second);
        out.modes.push_back(r);
    }
    return out;
}

std::string today() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
    return buf;
}

/// Where ultra ran: "openmp" or "cuda" (the device pipeline) or "parallel".
std::string ultra_backend_name(const host::UltraChoice& ultra) {
    if (!ultra.device) return "parallel";
    return *ultra.device == kernels::DeviceSystem::kCuda ? "cuda" : "openmp";
}

void write_json(const std::vector<MarketRun>& runs, const BenchOptions& o,
                const cuda::DeviceStatus& gpu, const std::string& ultra_backend) {
    std::ofstream out(o.json_out);
    if (!out) throw std::runtime_error("cannot write " + o.json_out);
    out << "{\"date\":\"" << today()
        << "\",\"hardware_threads\":" << std::thread::hardware_concurrency()
        << ",\"gpu\":" << (gpu.usable ? host::json_quote(gpu.name) : "null")
        << ",\"ultra_backend\":\"" << ultra_backend << "\",\"repeat\":" << o.repeat
        << ",\"max_hops\":" << o.max_hops << ",\"markets\":[";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& r = runs[i];
        out << (i ? "," : "") << "{\"name\":" << host::json_quote(r.name)
            << ",\"tokens\":" << r.tokens << ",\"pools\":" << r.pools << ",\"cycles\":" << r.cycles
            << ",\"modes_agree\":" << (r.agree ? "true" : "false") << ",\"runs\":[";
        for (std::size_t k = 0; k < r.modes.size(); ++k) {
            const auto& m = r.modes[k];
            out << (k ? "," : "") << "{\"mode\":\"" << host::mode_name(m.mode)
                << "\",\"seconds\":" << host::json_number(m.seconds)
                << ",\"speedup\":" << host::json_number(m.speedup)
                << ",\"cycles_per_second\":" << host::json_number(m.cycles_per_second)
                << ",\"score_seconds\":" << host::json_number(m.score_seconds)
                << ",\"score_speedup\":" << host::json_number(m.score_speedup)
                << ",\"score_cycles_per_second\":" << host::json_number(m.score_per_second)
                << ",\"opportunities\":" << m.opportunities << "}";
        }
        out << "]}";
    }
    out << "]}\n";
}

/// Draws throughput against cycles per mode with gnuplot; false (and why) when it cannot.
bool draw_png(const std::vector<MarketRun>& runs, const BenchOptions& o, const std::string& ultra,
              std::string& why) {
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
        why = "gnuplot is not installed (Debian: gnuplot-nox)";
        return false;
    }
    const auto data = std::filesystem::temp_directory_path() /
                      ("macf-bench-" + std::to_string(::getpid()) + ".dat");
    {
        std::ofstream d(data);
        d << "# cycles sequential batch parallel ultra\n";
        auto sorted = runs;
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto& a, const auto& b) { return a.cycles < b.cycles; });
        for (const auto& r : sorted) {
            d << r.cycles;
            for (const auto& m : r.modes) d << " " << m.cycles_per_second;
            d << "\n";
        }
    }
    std::ostringstream script;
    script << "set terminal png size 900,600; set output '" << o.png_out << "';"
           << "set title 'macf: cycles scored per second by mode (median of " << o.repeat
           << "; ultra on " << ultra
           << ")'; set xlabel 'cycles in the market'; set ylabel 'cycles per second';"
           << "set logscale x; set logscale y; set key left top; set grid;"
           << "plot for [i=2:5] '" << data.string()
           << "' using 1:i with linespoints lw 2 title word('sequential batch parallel ultra', "
              "i-1)";
    const std::string cmd = "gnuplot -e \"" + script.str() + "\" 2>&1";
    const int rc = std::system(cmd.c_str());
    std::filesystem::remove(data);
    if (rc != 0) {
        why = "gnuplot failed (exit " + std::to_string(rc) + ")";
        return false;
    }
    return true;
}

void run_bench(const BenchOptions& o) {
    std::vector<MarketRun> runs;
    if (!o.market.empty()) {
        const auto m = host::load_market(o.market);
        runs.push_back(bench_market(std::filesystem::path(o.market).filename().string(), m, o));
    }
    for (const auto pools : o.generate) {
        host::GeneratorOptions g;
        g.seed = o.seed;
        g.pools = pools;
        g.tokens = std::max<std::uint32_t>(20, pools / 7);  // the 10M-cycle shape: 2000 / 14000
        const auto m = host::generate_market(g);
        runs.push_back(bench_market("gen-" + std::to_string(pools) + "-pools", m, o));
    }
    const auto gpu = cuda::probe_device();
    // What ultra ran on, as the engine chose it (a GPU alone does not mean the device pipeline).
    const auto ultra = host::choose_ultra_backend();
    const std::string ultra_backend = ultra_backend_name(ultra);
    std::printf("macf bench, %s, %u hardware threads, %s\n\n", today().c_str(),
                std::thread::hardware_concurrency(), ultra.why.c_str());
    std::printf("%-24s %12s  %-10s %12s %9s %14s %12s %9s %8s\n", "market", "cycles", "mode",
                "time (s)", "speedup", "cycles/s", "score (s)", "score x", "opps");
    bool agree = true;
    for (const auto& r : runs) {
        for (const auto& m : r.modes) {
            std::printf("%-24s %12llu  %-10s %12.4f %8.2fx %14.4g %12.4f %8.2fx %8zu\n",
                        r.name.c_str(), static_cast<unsigned long long>(r.cycles),
                        std::string(host::mode_name(m.mode)).c_str(), m.seconds, m.speedup,
                        m.cycles_per_second, m.score_seconds, m.score_speedup, m.opportunities);
        }
        agree = agree && r.agree;
    }
    std::printf(
        "\nspeedup = sequential time / mode time, same market, same run (score x: the scoring "
        "stage alone); all modes %s\n",
        agree ? "returned the same opportunities" : "did NOT return the same opportunities");
    write_json(runs, o, gpu, ultra_backend);
    std::printf("wrote %s\n", o.json_out.c_str());
    std::string why;
    if (!o.png_out.empty()) {
        if (draw_png(runs, o,
                     ultra.device ? "the device pipeline (" + ultra_backend + ")"
                                  : "the parallel backend",
                     why))
            std::printf("wrote %s\n", o.png_out.c_str());
        else
            spdlog::warn("no chart: {}", why);
    }
    if (!o.incremental.empty()) {
        // On the last market given (the largest of the default list).
        const host::Market m = !o.generate.empty()
                                   ? [&] {
                                         host::GeneratorOptions g;
                                         g.seed = o.seed;
                                         g.pools = o.generate.back();
                                         g.tokens = std::max<std::uint32_t>(20, g.pools / 7);
                                         return host::generate_market(g);
                                     }()
                                   : host::load_market(o.market);
        const auto rows = bench_incremental(m, o.incremental, o.rounds, o.max_hops, o.max_workers,
                                            o.batch_size, o.seed);
        std::printf(
            "\nincremental rounds on %s (%u rounds each): K pools change, the cycles "
            "through them are scored and re-simulated\n",
            runs.back().name.c_str(), o.rounds);
        std::printf("%8s  %-10s %14s %12s %12s %12s %11s %14s %11s\n", "changed", "mode",
                    "cycles/round", "median (ms)", "p99 (ms)", "select (ms)", "score (ms)",
                    "exact size (ms)", "candidates");
        for (const auto& r : rows)
            std::printf("%8u  %-10s %14.0f %12.3f %12.3f %12.3f %11.3f %14.3f %11.1f\n", r.changed,
                        std::string(host::mode_name(r.mode)).c_str(), r.cycles_avg, r.median_ms,
                        r.p99_ms, r.select_ms, r.score_ms, r.resimulate_ms, r.candidates);
        std::printf(
            "(select, score, exact size and candidates are means per round; median and p99 of "
            "the whole round)\n");
    }
    if (!agree) requested_exit_code() = kExitModesDisagree;
}

}  // namespace

void add_bench_command(CLI::App& app) {
    auto opt = std::make_shared<BenchOptions>();
    CLI::App* cmd = app.add_subcommand(
        "bench",
        "Score the same market in every mode (sequential, batch, parallel, ultra), each round "
        "repeated and its median kept: a table of time, speedup against sequential measured in "
        "the same run and throughput, a JSON file, and a PNG chart of throughput per mode "
        "against market size (gnuplot, when installed). Default: generated markets of 1,000, "
        "4,000 and 14,000 pools.");
    auto* market = cmd->add_option("--market", opt->market, "A market snapshot to bench")
                       ->check(CLI::ExistingFile);
    cmd->add_option("--generate", opt->generate,
                    "Generated markets of these many V2 pools (tokens = pools / 7), e.g. "
                    "--generate 1000 4000 14000")
        ->excludes(market);
    cmd->add_option("--seed", opt->seed, "Seed of the generated markets")->capture_default_str();
    cmd->add_option("--repeat", opt->repeat, "Rounds per mode (the median is kept)")
        ->check(CLI::Range(1U, 1000U))
        ->capture_default_str();
    cmd->add_option("--max-hops", opt->max_hops, "Longest cycle (2 to 4)")
        ->check(CLI::Range(2U, 4U))
        ->capture_default_str();
    cmd->add_option("--max-workers", opt->max_workers, "Threads of parallel and ultra (0: all)")
        ->capture_default_str();
    cmd->add_option("--batch-size", opt->batch_size, "Cycles per batch")->capture_default_str();
    cmd->add_option("--json-out", opt->json_out, "JSON results file")->capture_default_str();
    cmd->add_option("--png", opt->png_out, "Chart file ('' for none)")->capture_default_str();
    cmd->add_option("--incremental", opt->incremental,
                    "Also time incremental rounds on the last market with this many changed pools "
                    "each, e.g. --incremental 1 10 100 1000 (median and p99 of the whole round)");
    cmd->add_option("--rounds", opt->rounds, "Incremental rounds per count and mode")
        ->check(CLI::Range(1U, 100000U))
        ->capture_default_str();
    cmd->callback([opt] {
        if (opt->market.empty() && opt->generate.empty()) opt->generate = {1000, 4000, 14000};
        run_bench(*opt);
    });
}

}  // namespace macf::cli
