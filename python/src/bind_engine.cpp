// SPDX-License-Identifier: Apache-2.0
// The native coordinator behind macf.MACFCoordinator: one macf Engine (its coordinator and
// thread pool), `coordinate` over Python evaluators and `scan` over macf's own scoring and exact
// sizing with the GIL released; Opportunity and Hop objects with amounts as Python ints.

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>

#include "convert.hpp"
#include "macf/host/engine/engine.hpp"
#include "macf/host/io/opportunity_json.hpp"
#include "macf/host/model/pool_state.hpp"
#include "market_handle.hpp"

namespace macf::python {
namespace {

using Handle = std::shared_ptr<const MarketHandle>;

/// An exactly sized opportunity of a market.
struct OpportunityRef {
    Handle market;
    host::Opportunity o;
};

/// One hop of an opportunity.
struct HopRef {
    Handle market;
    host::HopFill h;
};

/// An item handed to the C++ coordinator: the position of a Python object. Deliberately not
/// hashable, so the coordinator's own memo (keyed by value) stays off: memoisation by item is
/// done in Python, where items can be compared.
struct ItemRef {
    std::size_t index;
};

py::dict metrics_dict(const host::Metrics& x) {
    py::dict d;
    d["mode"] = std::string(host::mode_name(x.mode));
    d["opportunities_processed"] = x.opportunities_processed;
    d["batch_count"] = x.batch_count;
    d["parallel_executions"] = x.parallel_executions;
    d["cache_hits"] = x.cache_hits;
    d["cache_misses"] = x.cache_misses;
    d["total_time"] = x.total_time;
    d["speedup_factor"] = x.speedup_factor ? *x.speedup_factor : std::nan("");
    d["cache_hit_rate"] = x.cache_hit_rate;
    d["cycles_per_second"] = x.cycles_per_second;
    d["candidates"] = x.candidates;
    d["opportunities_found"] = x.opportunities_found;
    d["sizing_evaluations"] = x.sizing_evaluations;
    d["sizing_proven"] = x.sizing_proven;
    py::dict stages;
    stages["load_states"] = x.stages.load_states;
    stages["build_edges"] = x.stages.build_edges;
    stages["score"] = x.stages.score;
    stages["resimulate"] = x.stages.resimulate;
    stages["select"] = x.stages.select;
    d["stages"] = stages;
    return d;
}

/// What one scan asks for beyond the market; the defaults are `macf scan`'s.
struct ScanArgs {
    std::vector<py::object> bases;
    unsigned max_hops = 4;
    py::object min_profit;
    double gas_price_gwei = 20.0;
    host::CostModel costs;
    double min_liquidity = 0.0;
    std::vector<py::object> exclude_tokens;
};

class NativeCoordinator {
  public:
    explicit NativeCoordinator(const host::CoordinatorConfig& config)
        : engine_(config), cache_(std::chrono::milliseconds(static_cast<long long>(5000))) {}

    /// Calls `evaluator` on every item in the configured mode; the raw results in input order.
    py::list coordinate(const py::sequence& items, const py::function& evaluator) {
        check_open();
        std::vector<py::object> objects;
        objects.reserve(py::len(items));
        for (const auto& item : items) objects.push_back(py::reinterpret_borrow<py::object>(item));
        std::vector<ItemRef> refs(objects.size());
        for (std::size_t i = 0; i < refs.size(); ++i) refs[i].index = i;
        std::vector<py::object> results(objects.size());
        std::atomic<bool> failed{false};
        std::optional<py::error_already_set> error;
        const auto evaluate = [&](const ItemRef& r) -> std::optional<std::size_t> {
            if (failed.load()) return std::nullopt;
            py::gil_scoped_acquire gil;
            try {
                results[r.index] = evaluator(objects[r.index]);
            } catch (py::error_already_set& e) {
                if (!failed.exchange(true)) error.emplace(std::move(e));
            }
            return r.index;
        };
        {
            py::gil_scoped_release release;
            (void)engine_.coordinator().coordinate(std::span<const ItemRef>(refs), evaluate);
        }
        if (error) throw std::move(*error);
        py::list out(results.size());
        for (std::size_t i = 0; i < results.size(); ++i)
            out[i] = results[i] ? results[i] : py::none();
        return out;
    }

    /// Scores every cycle of the market and sizes the candidates exactly; best first.
    std::vector<OpportunityRef> scan(const Handle& market, const ScanArgs& args) {
        check_open();
        const host::Market& m = market->market();
        host::TopologySettings ts;
        for (const auto& b : args.bases) ts.base_tokens.push_back(resolve_token(*market, b));
        ts.max_hops = args.max_hops;
        ts.graph.min_liquidity_units = args.min_liquidity;
        for (const auto& x : args.exclude_tokens)
            ts.graph.excluded_tokens.push_back(resolve_token(*market, x));
        host::RoundSettings rs;
        rs.costs = args.costs;
        if (!(args.gas_price_gwei >= 0) || !std::isfinite(args.gas_price_gwei))
            throw py::value_error("gas_price_gwei: must be a finite number ≥ 0");
        rs.costs.gas_price_wei =
            static_cast<std::uint64_t>(std::llround(args.gas_price_gwei * 1e9));
        rs.costs.native_token = m.resolve_token("WETH");
        rs.min_profit = to_u256(args.min_profit, "min_profit");
        host::Round round;
        {
            py::gil_scoped_release release;
            engine_.set_topology(market->topology(ts));
            engine_.settings() = rs;
            // The reserve cache starts warm with the market's states, as after an initial sync.
            if (warmed_for_.lock() != market) {
                cache_.warm(host::market_states(m));
                warmed_for_ = market;
            }
            round = engine_.score_all(m, &cache_);
        }
        std::vector<OpportunityRef> out;
        out.reserve(round.scan.opportunities.size());
        for (auto& o : round.scan.opportunities) out.push_back({market, std::move(o)});
        return out;
    }

    py::dict metrics() const { return metrics_dict(engine_.coordinator().metrics()); }
    const host::CoordinatorConfig& config() const { return engine_.coordinator().config(); }
    void set_baseline(double seconds_per_item) {
        if (!(seconds_per_item > 0) || !std::isfinite(seconds_per_item))
            throw py::value_error("set_baseline: seconds per item must be a positive number");
        engine_.coordinator().set_baseline(seconds_per_item);
    }
    void shutdown() {
        if (closed_) return;
        py::gil_scoped_release release;
        engine_.coordinator().shutdown();
        closed_ = true;
    }
    bool closed() const noexcept { return closed_; }

  private:
    void check_open() const {
        if (closed_) throw py::value_error("the coordinator was shut down");
    }

    host::Engine engine_;
    host::ReserveCache cache_;
    std::weak_ptr<const MarketHandle> warmed_for_;
    bool closed_ = false;
};

void bind_opportunity(py::module_& m) {
    py::class_<HopRef>(m, "Hop", "One hop of an opportunity, amounts exactly as the pool pays.")
        .def_property_readonly("pool",
                               [](const HopRef& h) {
                                   return PoolRef{h.market, h.h.pool};
                               })
        .def_property_readonly("token_in",
                               [](const HopRef& h) {
                                   return TokenRef{h.market, h.h.token_in};
                               })
        .def_property_readonly("token_out",
                               [](const HopRef& h) {
                                   return TokenRef{h.market, h.h.token_out};
                               })
        .def_property_readonly(
            "amount_in", [](const HopRef& h) { return to_int(h.h.amount_in); }, "Wei of token_in.")
        .def_property_readonly(
            "amount_out", [](const HopRef& h) { return to_int(h.h.amount_out); },
            "Wei of token_out, as the contract computes it.");

    py::class_<OpportunityRef>(m, "Opportunity",
                               "A profitable cycle sized exactly: every amount is what the "
                               "contracts would compute, in wei of the base token.")
        .def_property_readonly(
            "cycle", [](const OpportunityRef& r) { return r.o.cycle; }, "Cycle id.")
        .def_property_readonly("base_token",
                               [](const OpportunityRef& r) {
                                   return TokenRef{r.market, r.o.base_token};
                               })
        .def_property_readonly(
            "path",
            [](const OpportunityRef& r) {
                std::vector<TokenRef> p{TokenRef{r.market, r.o.base_token}};
                for (const auto& h : r.o.hops) p.push_back(TokenRef{r.market, h.token_out});
                return p;
            },
            "The tokens visited, base token first and last.")
        .def_property_readonly(
            "pools",
            [](const OpportunityRef& r) {
                std::vector<PoolRef> p;
                for (const auto& h : r.o.hops) p.push_back(PoolRef{r.market, h.pool});
                return p;
            },
            "The pools swapped through, in order.")
        .def_property_readonly("hops",
                               [](const OpportunityRef& r) {
                                   std::vector<HopRef> p;
                                   for (const auto& h : r.o.hops) p.push_back(HopRef{r.market, h});
                                   return p;
                               })
        .def_property_readonly(
            "input", [](const OpportunityRef& r) { return to_int(r.o.input); },
            "Wei borrowed and sent into the first hop.")
        .def_property_readonly(
            "output", [](const OpportunityRef& r) { return to_int(r.o.output); },
            "Wei out of the last hop.")
        .def_property_readonly(
            "flash_fee", [](const OpportunityRef& r) { return to_int(r.o.flash_fee); },
            "Flash-loan fee, wei, rounded up.")
        .def_property_readonly(
            "gas_cost", [](const OpportunityRef& r) { return to_int(r.o.gas_cost); },
            "Gas cost in wei of the base token.")
        .def_property_readonly(
            "net_profit", [](const OpportunityRef& r) { return to_int(r.o.net_profit); },
            "output − input − flash_fee − gas_cost, wei.")
        .def_property_readonly(
            "approx_input", [](const OpportunityRef& r) { return r.o.approx_input; },
            "The closed form's input (float, wei): the filter's estimate.")
        .def_property_readonly(
            "approx_profit", [](const OpportunityRef& r) { return r.o.approx_profit; },
            "The closed form's net profit (float, wei).")
        .def_property_readonly(
            "sizing_proven", [](const OpportunityRef& r) { return r.o.sizing_proven; },
            "True when no other input makes a higher gross profit (Uniswap V2 cycles).")
        .def_property_readonly(
            "sizing_gap",
            [](const OpportunityRef& r) -> py::object {
                if (!r.o.sizing_gap) return py::none();
                return to_int(*r.o.sizing_gap);
            },
            "Proven bound (wei) on the gross profit any other input could add; None when the "
            "search gives none.")
        .def(
            "to_dict",
            [](const OpportunityRef& r) {
                return py::module_::import("json").attr("loads")(
                    host::opportunity_json(r.market->market(), r.o));
            },
            "The object `macf scan --json` prints for it (amounts as decimal strings).")
        .def("__repr__", [](const OpportunityRef& r) {
            std::string path = r.market->market().tokens[r.o.base_token].symbol;
            for (const auto& h : r.o.hops)
                path += " -> " + r.market->market().tokens[h.token_out].symbol;
            return "Opportunity(" + path + ", input=" + std::string(py::str(to_int(r.o.input))) +
                   ", net_profit=" + std::string(py::str(to_int(r.o.net_profit))) + ")";
        });
}

}  // namespace

void bind_engine(py::module_& m) {
    bind_opportunity(m);
    const host::CostModel costs;
    py::class_<NativeCoordinator>(m, "NativeCoordinator",
                                  "macf's coordinator and engine; wrapped by MACFCoordinator.")
        .def(py::init([](const std::string& mode, unsigned max_workers, std::size_t batch_size,
                         bool enable_cache) {
                 const auto parsed = host::parse_mode(mode);
                 if (!parsed)
                     throw py::value_error("mode: '" + mode +
                                           "' is not sequential, batch, parallel or ultra");
                 if (batch_size == 0) throw py::value_error("batch_size: must be at least 1");
                 host::CoordinatorConfig c;
                 c.mode = *parsed;
                 c.max_workers = max_workers;
                 c.batch_size = batch_size;
                 c.enable_cache = enable_cache;
                 return std::make_unique<NativeCoordinator>(c);
             }),
             py::arg("mode"), py::arg("max_workers"), py::arg("batch_size"),
             py::arg("enable_cache"))
        .def("coordinate", &NativeCoordinator::coordinate, py::arg("items"), py::arg("evaluator"))
        .def(
            "scan",
            [](NativeCoordinator& c, const Handle& market, std::vector<py::object> bases,
               unsigned max_hops, py::object min_profit, double gas_price_gwei,
               std::uint64_t base_gas, std::uint64_t v2_hop_gas, std::uint64_t v3_hop_gas,
               std::uint64_t curve_hop_gas, std::uint64_t balancer_hop_gas,
               std::uint32_t flash_fee_bps, double min_liquidity,
               std::vector<py::object> exclude_tokens) {
                if (max_hops < 2 || max_hops > host::kMaxHops)
                    throw py::value_error("max_hops: must be 2, 3 or 4");
                if (flash_fee_bps > 10000)
                    throw py::value_error("flash_fee_bps: must be 0 to 10000");
                if (!(min_liquidity >= 0)) throw py::value_error("min_liquidity: must be ≥ 0");
                ScanArgs a;
                a.bases = std::move(bases);
                if (a.bases.empty()) a.bases.push_back(py::str("WETH"));
                a.max_hops = max_hops;
                a.min_profit = std::move(min_profit);
                a.gas_price_gwei = gas_price_gwei;
                a.costs.base_gas = base_gas;
                a.costs.v2_hop_gas = v2_hop_gas;
                a.costs.v3_hop_gas = v3_hop_gas;
                a.costs.curve_hop_gas = curve_hop_gas;
                a.costs.balancer_hop_gas = balancer_hop_gas;
                a.costs.flash_fee_bps = flash_fee_bps;
                a.min_liquidity = min_liquidity;
                a.exclude_tokens = std::move(exclude_tokens);
                return c.scan(market, a);
            },
            py::arg("market"), py::arg("bases") = std::vector<py::object>{},
            py::arg("max_hops") = 4, py::arg("min_profit") = 0, py::arg("gas_price_gwei") = 20.0,
            py::arg("base_gas") = costs.base_gas, py::arg("v2_hop_gas") = costs.v2_hop_gas,
            py::arg("v3_hop_gas") = costs.v3_hop_gas,
            py::arg("curve_hop_gas") = costs.curve_hop_gas,
            py::arg("balancer_hop_gas") = costs.balancer_hop_gas,
            py::arg("flash_fee_bps") = costs.flash_fee_bps, py::arg("min_liquidity") = 0.0,
            py::arg("exclude_tokens") = std::vector<py::object>{})
        .def("metrics", &NativeCoordinator::metrics)
        .def("set_baseline", &NativeCoordinator::set_baseline, py::arg("seconds_per_item"))
        .def("shutdown", &NativeCoordinator::shutdown)
        .def_property_readonly("closed", &NativeCoordinator::closed)
        .def_property_readonly("mode",
                               [](const NativeCoordinator& c) {
                                   return std::string(host::mode_name(c.config().mode));
                               })
        .def_property_readonly("max_workers",
                               [](const NativeCoordinator& c) { return c.config().max_workers; })
        .def_property_readonly("batch_size",
                               [](const NativeCoordinator& c) { return c.config().batch_size; })
        .def_property_readonly("enable_cache",
                               [](const NativeCoordinator& c) { return c.config().enable_cache; });
}

}  // namespace macf::python
