// SPDX-License-Identifier: Apache-2.0
#include "chain_endpoint.hpp"

#include <spdlog/spdlog.h>

#include "macf/chain/signing_key.hpp"
#include "macf/chain/ws_subscription.hpp"

namespace macf::cli {

void add_endpoint_options(CLI::App* cmd, EndpointOptions& options) {
    cmd->add_option("--rpc", options.rpc,
                    "JSON-RPC endpoint: http://, https://, ws:// or wss://HOST[:PORT][/PATH]")
        ->required();
    cmd->add_option("--ca-file", options.ca_file,
                    "PEM file of CAs to trust for https/wss (default: the system's trust store)");
    cmd->add_option("--timeout-ms", options.timeout_ms, "Timeout of each RPC attempt")
        ->capture_default_str();
    cmd->add_option("--attempts", options.attempts,
                    "Tries per RPC call (retries back off 0.1 s to 5 s)")
        ->check(CLI::Range(1U, 20U))
        ->capture_default_str();
}

std::unique_ptr<chain::RpcClient> connect(const EndpointOptions& options) {
    const auto rpc_options =
        chain::logged_rpc_options(std::chrono::milliseconds(options.timeout_ms), options.attempts);
    const chain::TlsOptions tls{options.ca_file};
    return std::make_unique<chain::RpcClient>(chain::make_transport(options.rpc, tls), rpc_options);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1) {
        parts.push_back(s.substr(start, at - start));
    }
    parts.push_back(s.substr(start));
    return parts;
}

host::FactoryConfig parse_factory(const std::string& spec, host::PoolKind kind) {
    const auto parts = split(spec, ':');
    const auto address = chain::Address::parse(parts[0]);
    if (!address) throw std::runtime_error("factory '" + spec + "': not an address");
    host::FactoryConfig f;
    f.address = *address;
    f.kind = kind;
    f.dex = kind == host::PoolKind::kUniswapV2 ? "uniswap_v2" : "uniswap_v3";
    if (kind == host::PoolKind::kUniswapV2) {
        if (parts.size() > 1 && !parts[1].empty()) {
            unsigned long bps = 0;
            try {
                bps = std::stoul(parts[1]);
            } catch (const std::exception&) {
                throw std::runtime_error("factory '" + spec + "': fee is not a number");
            }
            if (bps >= 10000)
                throw std::runtime_error("factory '" + spec + "': fee must be < 10000 bps");
            f.fee_bps = static_cast<std::uint32_t>(bps);
        }
        if (parts.size() > 2) f.dex = parts[2];
    } else if (parts.size() > 1) {
        f.dex = parts[1];
    }
    return f;
}

void add_key_options(CLI::App* cmd, KeyOptions& options) {
    auto* file = cmd->add_option("--key-file", options.file,
                                 "File with the signing key (64 hex digits); must be mode 600 "
                                 "(others may not read it)");
    auto* env = cmd->add_option(
        "--key-env", options.env,
        "Environment variable holding the signing key (removed from the environment once read)");
    file->excludes(env);
    env->excludes(file);
}

chain::PrivateKey load_key(const KeyOptions& options) {
    if (!options.file.empty()) return chain::load_key_file(options.file);
    if (!options.env.empty()) return chain::load_key_env(options.env);
    throw chain::SigningKeyError("give the signing key with --key-file or --key-env");
}

}  // namespace macf::cli
