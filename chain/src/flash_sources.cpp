// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/flash_sources.hpp"

#include <spdlog/spdlog.h>

#include "macf/chain/abi.hpp"
#include "macf/chain/hex.hpp"
#include "macf/dex/u256_text.hpp"

namespace macf::chain {
namespace {

using dex::U256;

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1)
        parts.push_back(s.substr(start, at - start));
    parts.push_back(s.substr(start));
    return parts;
}

std::vector<std::uint8_t> call_view(chain::RpcClient& rpc, const chain::Address& to,
                                    const std::string& data) {
    const auto r = rpc.call(
        "eth_call", "[{\"to\":\"" + to.to_hex() + "\",\"data\":\"" + data + "\"},\"latest\"]");
    const auto bytes = chain::from_hex(r.text);
    if (!bytes) throw chain::MalformedResponse("eth_call returned " + r.text);
    return *bytes;
}

U256 balance_of(chain::RpcClient& rpc, const chain::Address& token, const chain::Address& who) {
    const chain::Word arg[] = {chain::word_of(who)};
    return chain::AbiReader(call_view(rpc, token, chain::encode_call("balanceOf(address)", arg)))
        .uint(0);
}

}  // namespace

/// Reads a lender's fee and how much of `base` it can lend.
chain::FlashSource read_flash_source(chain::RpcClient& rpc, const std::string& spec,
                                     const chain::Address& base) {
    const auto parts = split(spec, ':');
    if (parts.size() < 2)
        throw std::runtime_error("--flash-source '" + spec + "': expected KIND:ADDRESS");
    chain::FlashSource s;
    s.lender = chain::Address::parse_or_throw(parts[1], "--flash-source");
    const auto holds_base = [&] {
        const auto t0 =
            chain::AbiReader(call_view(rpc, s.lender, chain::encode_call("token0()", {})))
                .address(0);
        const auto t1 =
            chain::AbiReader(call_view(rpc, s.lender, chain::encode_call("token1()", {})))
                .address(0);
        return t0 == base || t1 == base;
    };
    const std::string& kind = parts[0];
    if (kind == "v2") {
        s.kind = chain::FlashSourceKind::kUniswapV2;
        s.fee = U256{30};
        if (parts.size() > 2 && (!dex::parse_u256(parts[2], s.fee) || !(s.fee < U256{10000})))
            throw std::runtime_error("--flash-source '" + spec +
                                     "': the V2 fee must be basis points below 10000");
        const U256 balance = balance_of(rpc, base, s.lender);
        s.available = holds_base() && !balance.is_zero() ? balance - U256{1} : U256{};
    } else if (kind == "v3") {
        s.kind = chain::FlashSourceKind::kUniswapV3;
        s.fee =
            chain::AbiReader(call_view(rpc, s.lender, chain::encode_call("fee()", {}))).uint(0, 24);
        s.available = holds_base() ? balance_of(rpc, base, s.lender) : U256{};
    } else if (kind == "balancer") {
        s.kind = chain::FlashSourceKind::kBalancer;
        const auto collector =
            chain::AbiReader(
                call_view(rpc, s.lender, chain::encode_call("getProtocolFeesCollector()", {})))
                .address(0);
        s.fee = chain::AbiReader(call_view(rpc, collector,
                                           chain::encode_call("getFlashLoanFeePercentage()", {})))
                    .uint(0);
        s.available = balance_of(rpc, base, s.lender);
    } else if (kind == "aave") {
        s.kind = chain::FlashSourceKind::kAave;
        s.fee = chain::AbiReader(
                    call_view(rpc, s.lender, chain::encode_call("FLASHLOAN_PREMIUM_TOTAL()", {})))
                    .uint(0, 128);
        const chain::Word arg[] = {chain::word_of(base)};
        const auto reserve =
            call_view(rpc, s.lender, chain::encode_call("getReserveData(address)", arg));
        const auto a_token = chain::AbiReader(reserve).address(8);  // ReserveData.aTokenAddress
        s.available = a_token == chain::Address{} ? U256{} : balance_of(rpc, base, a_token);
    } else {
        throw std::runtime_error("--flash-source '" + spec +
                                 "': KIND must be v2, v3, balancer or aave");
    }
    spdlog::info("flash source {} {}: fee {}, can lend {} wei", chain::to_string(s.kind),
                 s.lender.to_hex(), dex::to_string(s.fee), dex::to_string(s.available));
    return s;
}

void check_executor(chain::RpcClient& rpc, const chain::Address& executor,
                    const chain::Address& owner, std::uint64_t chain_id) {
    const auto code = rpc.call("eth_getCode", "[\"" + executor.to_hex() + "\",\"latest\"]");
    if (code.text == "0x" || code.text.empty())
        throw std::runtime_error("no contract at the executor address " + executor.to_hex() +
                                 " on chain " + std::to_string(chain_id) +
                                 ": deploy one with 'macf deploy-executor'");
    const auto actual =
        chain::AbiReader(call_view(rpc, executor, chain::encode_call("owner()", {}))).address(0);
    if (actual != owner)
        throw std::runtime_error("the executor " + executor.to_hex() + " is owned by " +
                                 actual.to_hex() + ", not by the signing key's " + owner.to_hex());
}

}  // namespace macf::chain
