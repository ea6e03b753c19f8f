// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON-RPC subscriptions over WebSocket (Boost.Beast): eth_subscribe to newHeads and logs,
// notifications read with a timeout. A lost connection is a TransportError; the caller
// reconnects and fills the gap from the last block it processed (the follower fetches blocks by
// number, so nothing is missed or applied twice).

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "macf/chain/json.hpp"
#include "macf/chain/rpc_client.hpp"

namespace macf::chain {

/// One notification of a subscription.
struct Notification {
    std::string subscription;  ///< the id eth_subscribe returned
    json::Value result;        ///< a block header (newHeads) or a log (logs)
};

/// A WebSocket connection carrying subscriptions. Not thread-safe.
class WsSubscription {
  public:
    /// `url` is ws:// or wss://HOST[:PORT][/PATH]; `timeout` bounds connecting and each request;
    /// wss:// verifies the certificate and host name as https:// does.
    explicit WsSubscription(std::string url,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10),
                            const TlsOptions& tls = {});
    ~WsSubscription();
    WsSubscription(const WsSubscription&) = delete;
    WsSubscription& operator=(const WsSubscription&) = delete;

    /// Opens the connection (closing an old one first). Throws TransportError.
    void connect();
    /// eth_subscribe with `params` (JSON array text, e.g. ["newHeads"]); returns the id.
    /// Notifications that arrive meanwhile are kept for next(). Throws TransportError,
    /// MalformedResponse or RpcError.
    std::string subscribe(const std::string& params);
    /// The next notification, or std::nullopt when none arrives within `wait`. Throws
    /// TransportError when the connection is lost, MalformedResponse for a bad message.
    std::optional<Notification> next(std::chrono::milliseconds wait);
    /// Sends one JSON-RPC request (or batch) `body` and returns the next message that is not a
    /// notification (the answer; the caller checks its id), within the connection's timeout.
    /// Notifications that arrive meanwhile are kept for next().
    std::string request(const std::string& body);
    /// Closes the connection (no-op when closed).
    void close() noexcept;
    /// True while connected.
    bool connected() const noexcept;
    /// From now on, connect(), subscribe(), request() and next() throw Cancelled within about
    /// 50 ms of `*flag` becoming true, closing the connection under them. nullptr: never
    /// cancelled. `flag` must outlive this object.
    void set_cancel_flag(const std::atomic<bool>* flag) noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// JSON-RPC over WebSocket as a Transport for RpcClient: one connection, opened on first use
/// and reopened after an error; ws:// or wss:// URLs.
std::unique_ptr<Transport> make_ws_transport(const std::string& url, const TlsOptions& tls = {});

/// The transport for `url` by its scheme: WebSocket for ws:// and wss://, HTTP otherwise
/// (http:// and https://; anything else is refused by make_http_transport).
std::unique_ptr<Transport> make_transport(const std::string& url, const TlsOptions& tls = {});

}  // namespace macf::chain
