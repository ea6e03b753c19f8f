// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/executor.hpp"

#include <cctype>
#include <thread>

#include "macf/chain/abi.hpp"
#include "macf/chain/eth.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/u256_text.hpp"

namespace macf::chain {
namespace {

using dex::U256;

std::string call_object(const Address& from, const Address& to,
                        const std::vector<std::uint8_t>& data) {
    return R"({"from":")" + from.to_hex() + R"(","to":")" + to.to_hex() + R"(","data":")" +
           to_hex(data) + R"("})";
}

/// The first "0x" run of at least 8 hex digits (a selector and more) in `text`.
std::string hex_run(std::string_view text) {
    for (std::size_t at = text.find("0x"); at != std::string_view::npos;
         at = text.find("0x", at + 2)) {
        std::size_t end = at + 2;
        while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
        if (end - at - 2 >= 8 && (end - at) % 2 == 0) return std::string(text.substr(at, end - at));
    }
    return {};
}

/// The revert of a failed eth_call: geth puts its data in the error's data, Hardhat sometimes
/// only in the message ("… return data: 0x…").
std::string reason_of(const RpcError& e) {
    std::string data = hex_run(e.data());
    if (data.empty()) data = hex_run(e.message());
    if (!data.empty()) return decode_revert(data);
    return e.message();
}

}  // namespace

std::vector<std::uint8_t> executor_creation_code() {
    static const char* const kHex =
#include "macf_executor_bin.inc"
        ;
    return *from_hex(kHex);
}

U256 Receipt::fee_paid() const { return U256{gas_used} * effective_gas_price; }

std::string decode_revert(std::string_view data_hex) {
    const auto bytes = from_hex(data_hex);
    if (!bytes || bytes->size() < 4) return std::string(data_hex);
    const std::array<std::uint8_t, 4> sel{(*bytes)[0], (*bytes)[1], (*bytes)[2], (*bytes)[3]};
    const AbiReader args(std::span<const std::uint8_t>(*bytes).subspan(4));
    try {
        if (sel == selector("ProfitBelowMinimum(uint256,uint256)"))
            return "ProfitBelowMinimum(profit " + dex::to_string(args.uint(0)) + ", minimum " +
                   dex::to_string(args.uint(1)) + ")";
        if (sel == selector("PartialFill(uint256,uint256)"))
            return "PartialFill(used " + dex::to_string(args.uint(0)) + " of " +
                   dex::to_string(args.uint(1)) + ")";
        if (sel == selector("CannotRepay(uint256,uint256)"))
            return "CannotRepay(balance " + dex::to_string(args.uint(0)) + ", owed " +
                   dex::to_string(args.uint(1)) + ")";
        if (sel == selector("NotOwner()")) return "NotOwner()";
        if (sel == selector("UnexpectedCallback()")) return "UnexpectedCallback()";
        if (sel == selector("BadRoute()")) return "BadRoute()";
        if (sel == selector("Error(string)")) return args.string(0);
    } catch (const AbiError&) {
    }
    return std::string(data_hex);
}

ExecutorClient::ExecutorClient(RpcClient& rpc, const PrivateKey& key, Address contract,
                               NonceManager& nonces, ExecutorOptions options)
    : rpc_(rpc),
      key_(key),
      owner_(key.address()),
      contract_(contract),
      nonces_(nonces),
      options_(std::move(options)) {}

Simulation ExecutorClient::simulate(const ExecutionPlan& plan) {
    Simulation sim;
    const auto data = execute_calldata(plan);
    const std::string call = call_object(owner_, contract_, data);
    try {
        const auto ret = rpc_.call("eth_call", "[" + call + R"(,"latest"])");
        const auto bytes = from_hex(ret.text);
        if (!bytes) throw MalformedResponse("eth_call returned " + ret.text);
        sim.profit = AbiReader(*bytes).uint(0);
        sim.gas = parse_quantity_u64(rpc_.call("eth_estimateGas", "[" + call + "]").text);
        sim.ok = true;
    } catch (const RpcError& e) {
        sim.revert_reason = reason_of(e);
    }
    return sim;
}

FeeQuote ExecutorClient::fees() {
    const auto block = rpc_.call("eth_getBlockByNumber", R"(["latest",false])");
    FeeQuote q;
    const auto* base = block.find("baseFeePerGas");
    if (base == nullptr) throw MalformedResponse("the latest block has no baseFeePerGas");
    q.base_fee = parse_quantity(base->text);
    q.max_priority_fee_per_gas = options_.priority_fee;
    q.max_fee_per_gas = q.base_fee * U256{2} + options_.priority_fee;
    return q;
}

std::uint64_t ExecutorClient::gas_limit_for(std::uint64_t estimate) const noexcept {
    return estimate + estimate * options_.gas_margin_pct / 100;
}

SendResult ExecutorClient::send(const ExecutionPlan& plan, std::uint64_t gas_limit,
                                const FeeQuote& fees, const RawSender& relay) {
    return send_call(contract_, execute_calldata(plan), gas_limit, fees, relay);
}

SendResult ExecutorClient::send_call(const std::optional<Address>& to,
                                     const std::vector<std::uint8_t>& data, std::uint64_t gas_limit,
                                     const FeeQuote& fees, const RawSender& relay) {
    SendResult result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        Transaction tx;
        tx.type = TxType::kDynamicFee;
        tx.chain_id = options_.chain_id;
        tx.nonce = nonces_.acquire();
        tx.max_priority_fee_per_gas = fees.max_priority_fee_per_gas;
        tx.max_fee_per_gas = fees.max_fee_per_gas;
        tx.gas_limit = gas_limit;
        tx.to = to;
        tx.data = data;
        const auto stx = sign_transaction(tx, key_);
        const auto raw = encode_transaction(stx);
        result = SendResult{};
        result.nonce = tx.nonce;
        try {
            if (relay) {
                result.hash = relay(raw, tx.nonce);
            } else {
                result.hash = parse_hash(
                    rpc_.call("eth_sendRawTransaction", "[\"" + to_hex(raw) + "\"]").text);
            }
            nonces_.sent(tx.nonce);
            return result;
        } catch (const TransportError& e) {
            // The node may have received it before the connection failed: keep its nonce
            // pending and let the caller follow its hash (a resync sorts out a drop).
            nonces_.sent(tx.nonce);
            result.hash = transaction_hash(stx);
            result.error = SendError{std::string("transport: ") + e.what() +
                                         " (the transaction may have reached the node)",
                                     NonceFault::kNone};
            return result;
        } catch (const std::runtime_error& e) {
            const std::string message = dynamic_cast<const RpcError*>(&e)
                                            ? static_cast<const RpcError&>(e).message()
                                            : std::string(e.what());
            const NonceFault fault = classify_nonce_error(message);
            result.error = SendError{message, fault};
            if (fault == NonceFault::kAlreadyKnown) {
                nonces_.sent(tx.nonce);
                result.hash = transaction_hash(stx);
                result.error.reset();
                return result;
            }
            nonces_.release(tx.nonce);
            if (fault == NonceFault::kNone) return result;
            nonces_.resync();  // too low or too high: read the pending count and try once more
        }
    }
    return result;
}

bool ExecutorClient::dropped(const Hash32& hash) {
    const auto tx = rpc_.call("eth_getTransactionByHash", "[\"" + hash_hex(hash) + "\"]");
    if (tx.type != json::Value::Type::kNull) return false;
    nonces_.resync();
    return true;
}

std::optional<Receipt> ExecutorClient::wait(const Hash32& hash, std::uint64_t nonce) {
    const auto deadline = std::chrono::steady_clock::now() + options_.receipt_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto r = rpc_.call("eth_getTransactionReceipt", "[\"" + hash_hex(hash) + "\"]");
        if (r.type == json::Value::Type::kObject) {
            Receipt out;
            out.hash = hash;
            const auto field = [&](const char* name) -> const std::string& {
                const auto* v = r.find(name);
                if (v == nullptr) throw MalformedResponse(std::string("receipt without ") + name);
                return v->text;
            };
            out.success = parse_quantity_u64(field("status")) == 1;
            out.block = parse_quantity_u64(field("blockNumber"));
            out.gas_used = parse_quantity_u64(field("gasUsed"));
            out.effective_gas_price = parse_quantity(field("effectiveGasPrice"));
            if (const auto* c = r.find("contractAddress");
                c != nullptr && c->type == json::Value::Type::kString)
                out.contract_address = Address::parse(c->text);
            nonces_.confirmed(nonce);
            return out;
        }
        std::this_thread::sleep_for(options_.receipt_poll);
    }
    return std::nullopt;
}

}  // namespace macf::chain
