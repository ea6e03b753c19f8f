// SPDX-License-Identifier: Apache-2.0
#pragma once

// The executor client: simulates an ExecutionPlan against the deployed executor contract
// (eth_call and eth_estimateGas from the owner), signs it as an EIP-1559 transaction with the
// owner's key and a nonce from the NonceManager, sends it (to the node, or to a private relay
// through a callback), and follows it to its receipt.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "macf/chain/executor_route.hpp"
#include "macf/chain/nonce_manager.hpp"
#include "macf/chain/rpc_client.hpp"
#include "macf/chain/transaction.hpp"

namespace macf::chain {

/// What a simulation of the plan at the latest block says.
struct Simulation {
    bool ok = false;
    dex::U256 profit;           ///< token wei the owner would receive (when ok)
    std::uint64_t gas = 0;      ///< eth_estimateGas (when ok)
    std::string revert_reason;  ///< decoded custom error or the node's message (when not ok)
};

/// Fees of a dynamic-fee transaction, wei per gas.
struct FeeQuote {
    dex::U256 base_fee;                  ///< of the latest block
    dex::U256 max_priority_fee_per_gas;  ///< the tip
    dex::U256 max_fee_per_gas;           ///< 2 · base fee + tip
};

/// A transaction's receipt.
struct Receipt {
    Hash32 hash{};
    bool success = false;
    std::uint64_t block = 0;
    std::uint64_t gas_used = 0;
    dex::U256 effective_gas_price;            ///< wei per gas
    std::optional<Address> contract_address;  ///< of a contract creation
    /// gas_used · effective_gas_price, wei of the native token.
    dex::U256 fee_paid() const;
};

/// Why a send failed.
struct SendError {
    std::string message;                   ///< the node's (or relay's) message
    NonceFault fault = NonceFault::kNone;  ///< what it says about the nonce
};

/// A sent transaction, or why it was not sent. Both `hash` and `error` are set when the
/// connection failed during the send: the node may have the transaction, so its nonce stays
/// pending and the caller follows the hash.
struct SendResult {
    std::optional<Hash32> hash;
    std::uint64_t nonce = 0;
    std::optional<SendError> error;
};

/// Settings.
struct ExecutorOptions {
    std::uint64_t chain_id = 1;
    dex::U256 priority_fee{1'000'000'000};  ///< tip, wei per gas (1 gwei)
    std::uint32_t gas_margin_pct = 20;      ///< gas limit = estimate · (100 + margin) / 100
    std::chrono::milliseconds receipt_timeout{60000};
    std::chrono::milliseconds receipt_poll{200};
};

/// Sends raw transactions somewhere other than the node (a private relay); returns the hash
/// or throws with the relay's message.
using RawSender = std::function<Hash32(const std::vector<std::uint8_t>& raw, std::uint64_t nonce)>;

/// The creation code of contracts/MacfExecutor.sol as compiled by the pinned solc (embedded
/// at build time from contracts/MacfExecutor.bin).
std::vector<std::uint8_t> executor_creation_code();

/// Decodes revert data of the executor contract and of Error(string); "0x…" for anything else.
std::string decode_revert(std::string_view data_hex);

/// Talks to the executor contract for its owner.
class ExecutorClient {
  public:
    /// `key` is the owner's; it must outlive the client.
    ExecutorClient(RpcClient& rpc, const PrivateKey& key, Address contract, NonceManager& nonces,
                   ExecutorOptions options = {});

    /// eth_call of the plan from the owner, then eth_estimateGas when it does not revert.
    Simulation simulate(const ExecutionPlan& plan);
    /// The fees to offer now.
    FeeQuote fees();
    /// Signs and sends the plan with `gas_limit` and `fees`, through `relay` when given (else
    /// eth_sendRawTransaction). A nonce fault resynchronises the nonce manager and retries once
    /// with a fresh nonce; "already known" counts as sent.
    SendResult send(const ExecutionPlan& plan, std::uint64_t gas_limit, const FeeQuote& fees,
                    const RawSender& relay = {});
    /// Signs and sends arbitrary call data to `to` (the sweep; no `to`: a contract creation
    /// with `data` as its init code); same rules as send.
    SendResult send_call(const std::optional<Address>& to, const std::vector<std::uint8_t>& data,
                         std::uint64_t gas_limit, const FeeQuote& fees,
                         const RawSender& relay = {});
    /// Polls eth_getTransactionReceipt until it is mined or the timeout passes (std::nullopt;
    /// the nonce stays pending). A mined transaction's nonce is confirmed.
    std::optional<Receipt> wait(const Hash32& hash, std::uint64_t nonce);

    /// After a wait that timed out: true when the node no longer knows the transaction
    /// (eth_getTransactionByHash is null), in which case the nonce manager is resynchronised
    /// from the pending count and the dropped nonce is free again.
    bool dropped(const Hash32& hash);

    /// The owner's address.
    const Address& owner() const noexcept { return owner_; }
    /// The contract's address.
    const Address& contract() const noexcept { return contract_; }
    /// The gas limit for an estimate (with the margin).
    std::uint64_t gas_limit_for(std::uint64_t estimate) const noexcept;

  private:
    RpcClient& rpc_;
    const PrivateKey& key_;
    Address owner_;
    Address contract_;
    NonceManager& nonces_;
    ExecutorOptions options_;
};

}  // namespace macf::chain
