// SPDX-License-Identifier: Apache-2.0
// Token, Pool, Quote, Market, gen() and import_pairs(): the market as Python objects, amounts
// as Python ints.

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <sstream>

#include "convert.hpp"
#include "macf/host/io/market_gen.hpp"
#include "macf/host/io/market_json.hpp"
#include "macf/host/io/quote_json.hpp"
#include "macf/host/model/pool_quote.hpp"
#include "market_handle.hpp"

namespace macf::python {
namespace {

using Handle = std::shared_ptr<const MarketHandle>;

bool same_settings(const host::TopologySettings& a, const host::TopologySettings& b) {
    return a.base_tokens == b.base_tokens && a.max_hops == b.max_hops &&
           a.graph.min_liquidity_units == b.graph.min_liquidity_units &&
           a.graph.excluded_tokens == b.graph.excluded_tokens;
}

py::object json_loads(const std::string& text) {
    return py::module_::import("json").attr("loads")(text);
}

/// The result of one swap, as `macf quote` reports it.
struct QuoteResult {
    Handle market;
    std::uint32_t pool = 0;
    std::size_t in = 0;
    std::size_t out = 0;
    bool exact_input = true;
    host::CurveRounding rounding = host::CurveRounding::kExchange;
    host::PoolQuote quote;
};

std::size_t position_in(const MarketHandle& h, const host::Pool& pool, const py::handle& token,
                        const char* what) {
    const std::uint32_t t = resolve_token(h, token);
    if (const auto k = host::token_position(pool, t)) return *k;
    const auto& tok = h.market().tokens[t];
    throw py::value_error(std::string(what) + ": " + tok.symbol + " (" + tok.address.to_hex() +
                          ") is not traded by pool " + pool.address.to_hex());
}

std::uint32_t resolve_pool(const MarketHandle& h, const py::handle& pool) {
    if (py::isinstance<PoolRef>(pool)) {
        const auto& ref = pool.cast<const PoolRef&>();
        if (ref.market.get() != &h) throw py::value_error("pool: a pool of another market");
        return ref.index;
    }
    const std::string text = py::str(pool);
    const auto index = h.market().find_pool(to_address(text, "pool"));
    if (!index) throw py::key_error("pool: no pool " + text + " in this market");
    return *index;
}

/// "exchange" or "view" (curve_rounding=) as the quote's rounding of Curve pools.
host::CurveRounding curve_rounding_of(const std::string& name) {
    if (name == "exchange") return host::CurveRounding::kExchange;
    if (name == "view") return host::CurveRounding::kView;
    throw py::value_error("curve_rounding: '" + name + "' is not 'exchange' or 'view'");
}

QuoteResult quote(const Handle& h, const py::handle& pool_arg, const py::handle& token_in,
                  const py::object& amount_in, const py::object& amount_out,
                  const py::object& token_out, const std::string& curve_rounding) {
    if (amount_in.is_none() == amount_out.is_none())
        throw py::value_error("give exactly one of amount_in= and amount_out=");
    QuoteResult r;
    r.rounding = curve_rounding_of(curve_rounding);
    r.market = h;
    r.pool = resolve_pool(*h, pool_arg);
    const host::Pool& pool = h->market().pools[r.pool];
    r.in = position_in(*h, pool, token_in, "token_in");
    if (!token_out.is_none()) {
        r.out = position_in(*h, pool, token_out, "token_out");
    } else if (pool.tokens.size() == 2) {
        r.out = 1 - r.in;
    } else {
        throw py::value_error("token_out: required for a pool of " +
                              std::to_string(pool.tokens.size()) + " tokens");
    }
    if (r.out == r.in) throw py::value_error("token_out: the same token as token_in");
    r.exact_input = !amount_in.is_none();
    const dex::U256 amount =
        r.exact_input ? to_u256(amount_in, "amount_in") : to_u256(amount_out, "amount_out");
    if (pool.kind == host::PoolKind::kUniswapV2) {
        // A V2 quote is a few hundred nanoseconds: handing the GIL to another thread and
        // taking it back costs more than it runs (measured: bench/python_modes.py).
        r.quote = host::quote_pool(pool, r.in, r.out, amount, r.exact_input);
    } else {
        py::gil_scoped_release release;
        r.quote = host::quote_pool(pool, r.in, r.out, amount, r.exact_input, r.rounding);
    }
    return r;
}

TokenRef token_ref(const Handle& h, std::uint32_t index) { return TokenRef{h, index}; }

std::string token_repr(const TokenRef& t) {
    return "Token(" + t.token().symbol + ", " + t.token().address.to_hex() +
           ", decimals=" + std::to_string(t.token().decimals) + ")";
}

void bind_token_and_pool(py::module_& m) {
    py::class_<TokenRef>(m, "Token", "An ERC-20 token of a market.")
        .def_property_readonly(
            "index", [](const TokenRef& t) { return t.index; }, "Position in Market.tokens.")
        .def_property_readonly(
            "address", [](const TokenRef& t) { return t.token().address.to_hex(); },
            "The token's address, 0x + 40 lower-case hex digits.")
        .def_property_readonly(
            "symbol", [](const TokenRef& t) { return t.token().symbol; },
            "The symbol the token reports (not unique).")
        .def_property_readonly(
            "decimals", [](const TokenRef& t) { return t.token().decimals; },
            "10**decimals wei make one whole token.")
        .def("__repr__", &token_repr)
        .def("__eq__",
             [](const TokenRef& a, const py::object& b) {
                 if (!py::isinstance<TokenRef>(b)) return false;
                 const auto& o = b.cast<const TokenRef&>();
                 return a.market == o.market && a.index == o.index;
             })
        .def("__hash__", [](const TokenRef& t) {
            return py::hash(
                py::make_tuple(reinterpret_cast<std::uintptr_t>(t.market.get()), t.index));
        });

    py::class_<PoolRef>(m, "Pool", "A pool of a market.")
        .def_property_readonly(
            "index", [](const PoolRef& p) { return p.index; }, "Position in Market.pools.")
        .def_property_readonly(
            "address", [](const PoolRef& p) { return p.pool().address.to_hex(); },
            "The pool's address (0x + 40 lower-case hex digits).")
        .def_property_readonly(
            "kind",
            [](const PoolRef& p) { return std::string(host::pool_kind_name(p.pool().kind)); },
            "uniswap_v2, uniswap_v3, curve_stable, curve_meta, balancer_weighted or "
            "balancer_stable.")
        .def_property_readonly(
            "dex", [](const PoolRef& p) { return p.pool().dex; }, "Venue label; may be empty.")
        .def_property_readonly(
            "tokens",
            [](const PoolRef& p) {
                std::vector<TokenRef> out;
                for (const auto t : p.pool().tokens) out.push_back(token_ref(p.market, t));
                return out;
            },
            "The tokens it trades, in the pool's own order (token0/token1, or the coins).")
        .def(
            "to_dict",
            [](const PoolRef& p) {
                std::ostringstream o;
                host::write_pool(p.market->market(), p.pool(), o);
                return json_loads(o.str());
            },
            "The pool in the snapshot format (docs/market-format.md): amounts as decimal strings.")
        .def(
            "quote",
            [](const PoolRef& p, const py::object& token_in, const py::object& amount_in,
               const py::object& amount_out, const py::object& token_out,
               const std::string& curve_rounding) {
                return quote(p.market, py::cast(p), token_in, amount_in, amount_out, token_out,
                             curve_rounding);
            },
            py::arg("token_in"), py::kw_only(), py::arg("amount_in") = py::none(),
            py::arg("amount_out") = py::none(), py::arg("token_out") = py::none(),
            py::arg("curve_rounding") = "exchange",
            "The exact result of one swap on this pool (see Market.quote).")
        .def("__repr__",
             [](const PoolRef& p) {
                 return "Pool(" + std::string(host::pool_kind_name(p.pool().kind)) + ", " +
                        p.pool().address.to_hex() + ")";
             })
        .def("__eq__", [](const PoolRef& a, const py::object& b) {
            if (!py::isinstance<PoolRef>(b)) return false;
            const auto& o = b.cast<const PoolRef&>();
            return a.market == o.market && a.index == o.index;
        });
}

void bind_quote(py::module_& m) {
    py::class_<QuoteResult>(m, "Quote",
                            "The exact result of one swap: what the pool's contract would pay, "
                            "to the wei, or why it would revert.")
        .def_property_readonly(
            "ok", [](const QuoteResult& q) { return q.quote.ok(); },
            "True when the swap would succeed.")
        .def_property_readonly(
            "error",
            [](const QuoteResult& q) -> py::object {
                if (q.quote.ok()) return py::none();
                return py::str(q.quote.error);
            },
            "The contract's revert in words, or None.")
        .def_property_readonly(
            "amount_in", [](const QuoteResult& q) { return to_int(q.quote.amount_in); },
            "Wei of token_in paid into the pool, fee included.")
        .def_property_readonly(
            "amount_out", [](const QuoteResult& q) { return to_int(q.quote.amount_out); },
            "Wei of token_out paid out of the pool.")
        .def_property_readonly(
            "exact", [](const QuoteResult& q) { return q.exact_input ? "input" : "output"; },
            "\"input\" (amount_in was given) or \"output\".")
        .def_property_readonly("pool",
                               [](const QuoteResult& q) {
                                   return PoolRef{q.market, q.pool};
                               })
        .def_property_readonly("token_in",
                               [](const QuoteResult& q) {
                                   return token_ref(q.market,
                                                    q.market->market().pools[q.pool].tokens[q.in]);
                               })
        .def_property_readonly("token_out",
                               [](const QuoteResult& q) {
                                   return token_ref(q.market,
                                                    q.market->market().pools[q.pool].tokens[q.out]);
                               })
        .def_property_readonly(
            "after",
            [](const QuoteResult& q) -> py::object {
                if (!q.quote.v3_after) return py::none();
                py::dict d;
                d["sqrt_price_x96"] = to_int(q.quote.v3_after->sqrt_price_x96);
                d["liquidity"] = to_int(q.quote.v3_after->liquidity);
                d["tick"] = q.quote.v3_after->tick;
                d["ticks_crossed"] = q.quote.v3_after->ticks_crossed;
                return d;
            },
            "A Uniswap V3 pool's state after the swap (sqrt_price_x96 in Q64.96, liquidity, "
            "tick, ticks_crossed), or None.")
        .def(
            "to_dict",
            [](const QuoteResult& q) {
                const auto& mk = q.market->market();
                return json_loads(host::quote_json(mk, mk.pools[q.pool], q.in, q.out, q.exact_input,
                                                   q.quote, q.rounding));
            },
            "The same object `macf quote --json` prints (amounts as decimal strings).")
        .def("__repr__", [](const QuoteResult& q) {
            return "Quote(ok=" + std::string(q.quote.ok() ? "True" : "False") +
                   ", amount_in=" + std::string(py::str(to_int(q.quote.amount_in))) +
                   ", amount_out=" + std::string(py::str(to_int(q.quote.amount_out))) + ")";
        });
}

py::dict report_dict(const host::ImportReport& r) {
    py::dict d;
    d["pairs_read"] = r.pairs_read;
    d["pairs_imported"] = r.pairs_imported;
    d["zero_reserve_excluded"] = r.zero_reserve_excluded;
    d["tokens"] = r.tokens;
    return d;
}

Handle parse_text(const std::string& text, const std::string& origin) {
    host::Market market;
    {
        py::gil_scoped_release release;
        market = host::parse_market(text, origin);
    }
    return std::make_shared<const MarketHandle>(std::move(market));
}

void bind_market_class(py::module_& m) {
    py::class_<MarketHandle, std::shared_ptr<MarketHandle>>(
        m, "Market",
        "A market snapshot: tokens and pools with their state (docs/market-format.md). "
        "Immutable; load it, parse it, build it from dicts, generate or import it.")
        .def_static(
            "load",
            [](const std::filesystem::path& path) {
                host::Market market;
                {
                    py::gil_scoped_release release;
                    market = host::load_market(path);
                }
                return std::make_shared<MarketHandle>(std::move(market));
            },
            py::arg("path"),
            "Reads a snapshot file. Raises MarketError with the CLI's message (file, pool or "
            "token, field) when it is malformed.")
        .def_static(
            "parse",
            [](const std::string& text, const std::string& origin) {
                return std::const_pointer_cast<MarketHandle>(parse_text(text, origin));
            },
            py::arg("text"), py::arg("origin") = "<market>",
            "Reads a snapshot from JSON text; `origin` names it in errors.")
        .def_static(
            "from_dict",
            [](const py::object& d) {
                const std::string text = py::str(py::module_::import("json").attr("dumps")(d));
                return std::const_pointer_cast<MarketHandle>(parse_text(text, "<dict>"));
            },
            py::arg("snapshot"),
            "Builds a market from a dict in the snapshot format (amounts may be Python ints or "
            "decimal strings).")
        .def(
            "to_dict",
            [](const MarketHandle& h) {
                std::ostringstream o;
                host::write_market(h.market(), o);
                return json_loads(o.str());
            },
            "The snapshot as a dict (amounts as decimal strings).")
        .def(
            "save",
            [](const MarketHandle& h, const std::filesystem::path& path) {
                std::ostringstream o;
                host::write_market(h.market(), o);
                const std::string text = o.str();
                py::module_::import("pathlib").attr("Path")(path).attr("write_text")(text);
            },
            py::arg("path"), "Writes the snapshot to `path`.")
        .def_property_readonly("chain_id",
                               [](const MarketHandle& h) { return h.market().chain_id; })
        .def_property_readonly(
            "block",
            [](const MarketHandle& h) -> py::object {
                if (!h.market().block) return py::none();
                return py::int_(*h.market().block);
            },
            "The block the state was read at, or None.")
        .def_property_readonly(
            "tokens",
            [](const std::shared_ptr<MarketHandle>& h) {
                std::vector<TokenRef> out;
                out.reserve(h->market().tokens.size());
                for (std::uint32_t i = 0; i < h->market().tokens.size(); ++i)
                    out.push_back(token_ref(h, i));
                return out;
            },
            "Every token, as Token objects.")
        .def_property_readonly(
            "pools",
            [](const std::shared_ptr<MarketHandle>& h) {
                std::vector<PoolRef> out;
                out.reserve(h->market().pools.size());
                for (std::uint32_t i = 0; i < h->market().pools.size(); ++i)
                    out.push_back(PoolRef{h, i});
                return out;
            },
            "Every pool, as Pool objects.")
        .def(
            "token",
            [](const std::shared_ptr<MarketHandle>& h, const py::object& t) {
                return token_ref(h, resolve_token(*h, t));
            },
            py::arg("address_or_symbol"),
            "The token with this address, or this unique symbol (WETH prefers the mainnet WETH9). "
            "Raises MarketError when ambiguous or unknown.")
        .def(
            "pool",
            [](const std::shared_ptr<MarketHandle>& h, const py::object& p) {
                return PoolRef{h, resolve_pool(*h, p)};
            },
            py::arg("address"), "The pool at this address; KeyError when there is none.")
        .def(
            "quote",
            [](const std::shared_ptr<MarketHandle>& h, const py::object& pool,
               const py::object& token_in, const py::object& amount_in,
               const py::object& amount_out, const py::object& token_out,
               const std::string& curve_rounding) {
                return quote(h, pool, token_in, amount_in, amount_out, token_out, curve_rounding);
            },
            py::arg("pool"), py::arg("token_in"), py::kw_only(), py::arg("amount_in") = py::none(),
            py::arg("amount_out") = py::none(), py::arg("token_out") = py::none(),
            py::arg("curve_rounding") = "exchange",
            "The exact result of one swap: spend amount_in wei of token_in (fee included), or "
            "receive amount_out wei of the other token (token_out, required for pools of three "
            "or more tokens). V3 swaps cross ticks and stop at the default price limit (a "
            "partial fill shows as amount_in below what was asked). Curve pools: curve_rounding="
            "'exchange' (what the swap transfers) or 'view' (get_dy; 3pool-era pools can differ "
            "by a wei). The GIL is released for the "
            "kinds whose math takes long enough for that to pay (all but Uniswap V2).")
        .def_property_readonly(
            "import_report",
            [](const MarketHandle& h) -> py::object {
                if (!h.import_report()) return py::none();
                return report_dict(*h.import_report());
            },
            "For an imported market: pairs read, imported, left out with a zero reserve, "
            "tokens. None otherwise.")
        .def("__repr__", [](const MarketHandle& h) {
            return "Market(" + std::to_string(h.market().tokens.size()) + " tokens, " +
                   std::to_string(h.market().pools.size()) + " pools)";
        });
}

void bind_generators(py::module_& m) {
    const host::GeneratorOptions d;
    m.def(
        "gen",
        [](std::uint64_t seed, std::uint32_t tokens, std::uint32_t pools,
           std::uint32_t dislocations, double zipf_exponent, double price_noise,
           double median_liquidity_eth, std::uint32_t v3_pools, std::uint32_t curve_pools,
           std::uint32_t balancer_pools, std::uint32_t curve_meta_pools) {
            host::GeneratorOptions o;
            o.seed = seed;
            o.tokens = tokens;
            o.pools = pools;
            o.dislocations = dislocations;
            o.zipf_exponent = zipf_exponent;
            o.price_noise = price_noise;
            o.median_liquidity_eth = median_liquidity_eth;
            o.v3_pools = v3_pools;
            o.curve_pools = curve_pools;
            o.balancer_pools = balancer_pools;
            o.curve_meta_pools = curve_meta_pools;
            host::Market market;
            {
                py::gil_scoped_release release;
                market = host::generate_market(o);
            }
            return std::make_shared<MarketHandle>(std::move(market));
        },
        py::kw_only(), py::arg("seed") = d.seed, py::arg("tokens") = d.tokens,
        py::arg("pools") = d.pools, py::arg("dislocations") = d.dislocations,
        py::arg("zipf_exponent") = d.zipf_exponent, py::arg("price_noise") = d.price_noise,
        py::arg("median_liquidity_eth") = d.median_liquidity_eth, py::arg("v3_pools") = d.v3_pools,
        py::arg("curve_pools") = d.curve_pools, py::arg("balancer_pools") = d.balancer_pools,
        py::arg("curve_meta_pools") = d.curve_meta_pools,
        "A deterministic synthetic market, as `macf gen` makes it (same settings, same market).");
    m.def(
        "import_pairs",
        [](const std::vector<std::tuple<std::filesystem::path, std::string, std::uint32_t>>&
               files) {
            std::vector<host::PairsFile> list;
            for (const auto& [path, dex, fee] : files) list.push_back({path, dex, fee});
            host::ImportReport report;
            host::Market market;
            {
                py::gil_scoped_release release;
                market = host::import_pairs(list, report);
            }
            return std::make_shared<MarketHandle>(std::move(market), report);
        },
        py::arg("files"),
        "Imports pair lists in the univ2-pairs-2020 layout: `files` is a list of (path, dex "
        "label, fee in basis points). The market's import_report says what was left out.");
}

}  // namespace

std::shared_ptr<const host::Topology> MarketHandle::topology(
    const host::TopologySettings& settings) const {
    std::lock_guard lock(mutex_);
    for (const auto& [s, t] : topologies_)
        if (same_settings(s, settings)) return t;
    auto t = host::build_topology(market_, settings);
    // A 10M-cycle topology holds ~400 MB: keep the last two settings only.
    if (topologies_.size() >= 2) topologies_.erase(topologies_.begin());
    topologies_.emplace_back(settings, t);
    return t;
}

std::uint32_t resolve_token(const MarketHandle& h, const py::handle& token) {
    if (py::isinstance<TokenRef>(token)) {
        const auto& ref = token.cast<const TokenRef&>();
        if (ref.market.get() != &h) throw py::value_error("token: a token of another market");
        return ref.index;
    }
    if (!py::isinstance<py::str>(token))
        throw py::type_error("token: expected a Token, an address or a symbol");
    return h.market().resolve_token(token.cast<std::string>());
}

void bind_market(py::module_& m) {
    bind_token_and_pool(m);
    bind_quote(m);
    bind_market_class(m);
    bind_generators(m);
}

}  // namespace macf::python
