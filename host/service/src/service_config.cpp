// SPDX-License-Identifier: Apache-2.0
#include "macf/host/service/service_config.hpp"

#include <toml++/toml.h>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "macf/dex/u256_text.hpp"

namespace macf::host {
namespace {

/// One table of the file: typed getters that name "table.key" in every error, and a check
/// that no key was left unread (a typo is an error, not a silent default).
class Section {
  public:
    Section(const toml::table* table, std::string name, const std::string& source)
        : table_(table), name_(std::move(name)), source_(source) {}

    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw ConfigError(source_ + ": " + name_ + "." + key + ": " + why);
    }

    const toml::node* get(const std::string& key) {
        seen_.insert(key);
        return table_ == nullptr ? nullptr : table_->get(key);
    }

    void string(const std::string& key, std::string& out) {
        if (const auto* n = get(key)) {
            if (!n->is_string()) fail(key, "expected a string, got " + type_of(*n));
            out = n->as_string()->get();
        }
    }
    template <class T>
    void integer(const std::string& key, T& out, std::int64_t min, std::int64_t max) {
        if (const auto* n = get(key)) {
            if (!n->is_integer()) fail(key, "expected an integer, got " + type_of(*n));
            const std::int64_t v = n->as_integer()->get();
            if (v < min || v > max)
                fail(key, std::to_string(v) + " is outside [" + std::to_string(min) + ", " +
                              std::to_string(max) + "]");
            out = static_cast<T>(v);
        }
    }
    void number(const std::string& key, double& out, double min, double max) {
        if (const auto* n = get(key)) {
            double v = 0;
            if (n->is_integer()) {
                v = static_cast<double>(n->as_integer()->get());
            } else if (n->is_floating_point()) {
                v = n->as_floating_point()->get();
            } else {
                fail(key, "expected a number, got " + type_of(*n));
            }
            if (!(v >= min && v <= max))
                fail(key, std::to_string(v) + " is outside [" + std::to_string(min) + ", " +
                              std::to_string(max) + "]");
            out = v;
        }
    }
    void boolean(const std::string& key, bool& out) {
        if (const auto* n = get(key)) {
            if (!n->is_boolean()) fail(key, "expected true or false, got " + type_of(*n));
            out = n->as_boolean()->get();
        }
    }
    /// A wei amount: a decimal string (amounts pass 2^63) or a non-negative integer.
    void wei(const std::string& key, dex::U256& out) {
        if (const auto* n = get(key)) {
            if (n->is_integer() && n->as_integer()->get() >= 0) {
                out = dex::U256{static_cast<std::uint64_t>(n->as_integer()->get())};
            } else if (!n->is_string() || !dex::parse_u256(n->as_string()->get(), out)) {
                fail(key, "expected an amount of wei (a non-negative integer, or one in a string)");
            }
        }
    }
    void address(const std::string& key, chain::Address& out) {
        std::string text;
        string(key, text);
        if (text.empty()) return;
        const auto a = chain::Address::parse(text);
        if (!a) fail(key, "'" + text + "' is not an address (0x and 40 hex digits)");
        out = *a;
    }
    void strings(const std::string& key, std::vector<std::string>& out) {
        if (const auto* n = get(key)) {
            if (!n->is_array()) fail(key, "expected an array of strings, got " + type_of(*n));
            out.clear();
            for (const auto& item : *n->as_array()) {
                if (!item.is_string()) fail(key, "expected an array of strings");
                out.push_back(item.as_string()->get());
            }
        }
    }
    /// An array of tables, each read by `each(section, index)`.
    template <class F>
    void tables(const std::string& key, F each) {
        if (const auto* n = get(key)) {
            if (!n->is_array_of_tables() && !(n->is_array() && n->as_array()->empty()))
                fail(key, "expected an array of tables ([[" + name_ + "." + key +
                              "]] or "
                              "[{...}, ...]), got " +
                              type_of(*n));
            std::size_t i = 0;
            for (const auto& item : *n->as_array()) {
                Section s(item.as_table(), name_ + "." + key + "[" + std::to_string(i) + "]",
                          source_);
                each(s);
                s.finish();
                ++i;
            }
        }
    }
    /// Refuses keys nobody read.
    void finish() const {
        if (table_ == nullptr) return;
        for (const auto& [k, v] : *table_) {
            const std::string key(k.str());
            if (seen_.count(key) == 0) fail(key, "unknown key");
        }
    }

  private:
    static std::string type_of(const toml::node& n) {
        switch (n.type()) {
            case toml::node_type::table:
                return "a table";
            case toml::node_type::array:
                return "an array";
            case toml::node_type::string:
                return "a string";
            case toml::node_type::integer:
                return "an integer";
            case toml::node_type::floating_point:
                return "a float";
            case toml::node_type::boolean:
                return "a boolean";
            default:
                return "a date or time";
        }
    }

    const toml::table* table_;
    std::string name_;
    const std::string& source_;
    std::set<std::string> seen_;
};

Mode mode_of(const std::string& text, const std::string& where) {
    const auto m = parse_mode(text);
    if (!m)
        throw ConfigError(where + ": '" + text + "' is not sequential, batch, parallel or ultra");
    return *m;
}

void check_log(const LogConfig& log, const std::string& where) {
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
    if (kLevels.count(log.level) == 0)
        throw ConfigError(where + "log.level: '" + log.level +
                          "' is not trace, debug, info, warn, error or off");
    if (log.format != "plain" && log.format != "json")
        throw ConfigError(where + "log.format: '" + log.format + "' is not plain or json");
}

}  // namespace

ServiceConfig parse_service_config(const std::string& toml_text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << e.description();
        throw ConfigError(msg.str());
    }
    static const std::set<std::string> kTables{"node", "discovery", "engine",
                                               "api",  "execution", "log"};
    for (const auto& [k, v] : root) {
        const std::string key(k.str());
        if (kTables.count(key) == 0) throw ConfigError(source + ": " + key + ": unknown table");
        if (!v.is_table()) throw ConfigError(source + ": " + key + ": expected a table");
    }
    ServiceConfig c;
    {
        Section s(root["node"].as_table(), "node", source);
        s.string("rpc", c.node.rpc);
        s.string("ws", c.node.ws);
        s.string("ca_file", c.node.ca_file);
        s.integer("timeout_ms", c.node.timeout_ms, 1, 600000);
        s.integer("attempts", c.node.attempts, 1, 20);
        s.integer("poll_ms", c.node.poll_ms, 10, 600000);
        s.integer("unreachable_after_s", c.node.unreachable_after_s, 1, 86400);
        s.integer("max_head_age_s", c.node.max_head_age_s, 0, 86400);
        s.finish();
    }
    {
        Section s(root["discovery"].as_table(), "discovery", source);
        s.integer("from_block", c.discovery.from_block, 0, INT64_MAX);
        s.integer("log_chunk", c.discovery.log_chunk, 1, 10000000);
        s.integer("journal_depth", c.discovery.journal_depth, 1, 100000);
        s.string("checkpoint_dir", c.discovery.checkpoint_dir);
        s.integer("checkpoint_interval_s", c.discovery.checkpoint_interval_s, 1, 86400);
        s.tables("v2_factories", [&](Section& f) {
            FactoryConfig fc;
            fc.kind = PoolKind::kUniswapV2;
            f.address("address", fc.address);
            if (fc.address == chain::Address{}) f.fail("address", "required");
            f.integer("fee_bps", fc.fee_bps, 0, 9999);
            f.string("label", fc.dex);
            c.discovery.factories.push_back(fc);
        });
        s.tables("v3_factories", [&](Section& f) {
            FactoryConfig fc;
            fc.kind = PoolKind::kUniswapV3;
            fc.dex = "uniswap_v3";
            f.address("address", fc.address);
            if (fc.address == chain::Address{}) f.fail("address", "required");
            f.string("label", fc.dex);
            c.discovery.factories.push_back(fc);
        });
        s.finish();
    }
    {
        Section s(root["engine"].as_table(), "engine", source);
        std::string mode = std::string(mode_name(c.engine.mode));
        s.string("mode", mode);
        c.engine.mode = mode_of(mode, source + ": engine.mode");
        s.integer("max_workers", c.engine.max_workers, 0, 4096);
        s.integer("batch_size", c.engine.batch_size, 1, 1 << 24);
        s.boolean("enable_cache", c.engine.enable_cache);
        s.number("cache_ttl_s", c.engine.cache_ttl_s, 0.001, 86400);
        std::vector<std::string> bases;
        s.strings("base_tokens", bases);
        for (const auto& b : bases) {
            const auto a = chain::Address::parse(b);
            if (!a) s.fail("base_tokens", "'" + b + "' is not an address");
            c.engine.base_tokens.push_back(*a);
        }
        s.address("weth", c.engine.weth);
        s.integer("max_hops", c.engine.max_hops, 2, 4);
        s.wei("min_profit_wei", c.engine.min_profit_wei);
        s.number("gas_price_gwei", c.engine.gas_price_gwei, 0, 1e6);
        s.integer("top_k", c.engine.top_k, 1, 100000);
        s.boolean("incremental", c.engine.incremental);
        s.finish();
    }
    {
        Section s(root["api"].as_table(), "api", source);
        s.string("listen", c.api.listen);
        s.string("token_env", c.api.token_env);
        s.integer("max_body_bytes", c.api.max_body_bytes, 1, 64 * 1024 * 1024);
        s.number("rate_limit_per_s", c.api.rate_limit_per_s, 0.001, 1e9);
        s.number("burst", c.api.burst, 1, 1e9);
        s.strings("allowed_hosts", c.api.allowed_hosts);
        s.integer("max_connections", c.api.max_connections, 1, 1000000);
        s.finish();
    }
    {
        Section s(root["execution"].as_table(), "execution", source);
        auto& e = c.execution;
        s.boolean("enabled", e.enabled);
        s.address("executor", e.executor);
        s.string("key_file", e.key_file);
        s.string("key_env", e.key_env);
        s.strings("flash_sources", e.flash_sources);
        s.wei("min_profit_wei", e.min_profit_wei);
        s.wei("max_trade_wei", e.max_trade_wei);
        s.wei("daily_cap_wei", e.daily_cap_wei);
        s.integer("max_in_flight", e.max_in_flight, 0, 1000);
        s.integer("breaker_failures", e.breaker_failures, 0, 1000);
        s.integer("breaker_window_s", e.breaker_window_s, 1, 86400 * 7);
        s.integer("breaker_cool_down_s", e.breaker_cool_down_s, 1, 86400 * 7);
        s.number("priority_fee_gwei", e.priority_fee_gwei, 0, 1e6);
        s.integer("gas_margin_pct", e.gas_margin_pct, 0, 1000);
        s.integer("receipt_timeout_s", e.receipt_timeout_s, 1, 3600);
        s.integer("stop_grace_ms", e.stop_grace_ms, 0, 600000);
        s.string("relay", e.relay);
        s.string("webhook", e.webhook);
        s.finish();
    }
    {
        Section s(root["log"].as_table(), "log", source);
        s.string("level", c.log.level);
        s.string("format", c.log.format);
        s.finish();
        check_log(c.log, source + ": ");
    }
    return c;
}

ServiceConfig load_service_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_service_config(ss.str(), path);
}

void apply_environment(ServiceConfig& c, const EnvLookup& env) {
    const auto take = [&](const char* name, std::string& out) {
        const auto v = env(name);
        if (v && !v->empty()) out = *v;
    };
    take("MACF_RPC_URL", c.node.rpc);
    take("MACF_WS_URL", c.node.ws);
    take("MACF_LISTEN", c.api.listen);
    std::string mode;
    take("MACF_MODE", mode);
    if (!mode.empty()) c.engine.mode = mode_of(mode, "MACF_MODE");
    take("MACF_LOG_LEVEL", c.log.level);
    take("MACF_LOG_FORMAT", c.log.format);
    check_log(c.log, "environment: ");
}

void finalize_service_config(ServiceConfig& c, const EnvLookup& env) {
    if (c.node.rpc.empty())
        throw ConfigError("node.rpc: required (in the file, MACF_RPC_URL or --rpc)");
    if (c.discovery.factories.empty())
        throw ConfigError("discovery: give at least one v2_factories or v3_factories entry");
    if (c.engine.weth == chain::Address{})
        throw ConfigError("engine.weth: required (the wrapped native token gas is priced in)");
    if (c.engine.base_tokens.empty()) c.engine.base_tokens.push_back(c.engine.weth);
    const auto colon = c.api.listen.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw ConfigError("api.listen: '" + c.api.listen + "' is not HOST:PORT");
    try {
        const unsigned long port = std::stoul(c.api.listen.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
        throw ConfigError("api.listen: '" + c.api.listen + "' has no valid port");
    }
    if (const auto token = env(c.api.token_env)) c.api.token = *token;
    if (c.execution.enabled) {
        const auto& e = c.execution;
        if (e.executor == chain::Address{})
            throw ConfigError("execution.executor: required when execution.enabled");
        if (e.key_file.empty() == e.key_env.empty())
            throw ConfigError("execution: give exactly one of key_file and key_env");
        if (e.flash_sources.empty())
            throw ConfigError("execution.flash_sources: at least one when execution.enabled");
    }
}

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

}  // namespace macf::host
