// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private submission to a Flashbots-style relay: `eth_sendBundle` with the transactions and
// the target block, signed in the `X-Flashbots-Signature: <address>:<signature>` header, where
// the signature is an EIP-191 personal signature of the hex text of keccak256(request body).

#include <memory>
#include <string>
#include <vector>

#include "macf/chain/ecdsa.hpp"
#include "macf/chain/executor.hpp"
#include "macf/chain/rpc_client.hpp"

namespace macf::chain {

/// The EIP-191 hash of a personal message: keccak256("\x19Ethereum Signed Message:\n" + length
/// + message).
Hash32 personal_message_hash(std::string_view message);

/// The header value for `body`: "<address>:0x<r><s><v>" with v = 27 + y parity.
std::string flashbots_signature(const PrivateKey& key, std::string_view body);

/// The signer of a header value made by flashbots_signature for `body`; std::nullopt when it
/// does not parse or does not recover to the address it names.
std::optional<Address> verify_flashbots_signature(std::string_view header, std::string_view body);

/// A relay endpoint.
class BundleRelay {
  public:
    /// `key` signs the header (Flashbots calls it the searcher's reputation key); it must outlive
    /// the relay.
    BundleRelay(const std::string& url, const PrivateKey& key, RpcOptions options = {},
                const TlsOptions& tls = {});

    /// Sends one bundle of raw transactions for `target_block`; returns the relay's bundle hash
    /// (its `bundleHash`, or the raw result text when it has none). Throws RpcError with the
    /// relay's message, or TransportError.
    std::string send_bundle(const std::vector<std::vector<std::uint8_t>>& txs,
                            std::uint64_t target_block);

    /// A sender for ExecutorClient::send: each raw transaction goes out as a bundle of its own
    /// for the block after `node`'s latest; returns its hash. `node` must outlive the sender.
    RawSender next_block_sender(RpcClient& node);

    /// The relay's URL.
    std::string endpoint() const { return rpc_->endpoint(); }

  private:
    std::unique_ptr<RpcClient> rpc_;
};

}  // namespace macf::chain
