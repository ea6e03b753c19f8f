// SPDX-License-Identifier: Apache-2.0
#pragma once

// Command-line pieces shared by the commands that talk to a chain: the endpoint options and
// the client they make, factory specifications, and the signing key options.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "macf/chain/ecdsa.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/host/sync/chain_sync.hpp"

namespace macf::cli {

/// Where and how to reach the node.
struct EndpointOptions {
    std::string rpc;
    std::string ca_file;
    unsigned timeout_ms = 10000;
    unsigned attempts = 5;
};

/// Adds --rpc (required), --ca-file, --timeout-ms and --attempts to `cmd`.
void add_endpoint_options(CLI::App* cmd, EndpointOptions& options);

/// A JSON-RPC client for the endpoint (http(s):// or ws(s)://); retries are logged.
std::unique_ptr<chain::RpcClient> connect(const EndpointOptions& options);

/// Parses a factory specification: V2 "ADDRESS[:FEE_BPS[:LABEL]]" (fee default 30, below
/// 10000), V3 "ADDRESS[:LABEL]". Throws std::runtime_error naming the specification.
host::FactoryConfig parse_factory(const std::string& spec, host::PoolKind kind);

/// Splits `s` at every `sep`.
std::vector<std::string> split(const std::string& s, char sep);

/// Where the signing key comes from: exactly one of a file and an environment variable.
struct KeyOptions {
    std::string file;
    std::string env;
};

/// Adds --key-file and --key-env to `cmd`.
void add_key_options(CLI::App* cmd, KeyOptions& options);

/// Loads the key; throws chain::SigningKeyError (the message never contains the key).
chain::PrivateKey load_key(const KeyOptions& options);

}  // namespace macf::cli
