// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/url_redact.hpp"

namespace macf::chain {

std::string redact_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return url.size() <= 8 ? std::string(url) : std::string(url.substr(0, 8)) + "…";
    }
    std::string out(url.substr(0, scheme_end + 3));
    std::string_view rest = url.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        out += "…@";
        authority = authority.substr(at + 1);
    }
    out += authority;
    if (authority_end == std::string_view::npos) return out;
    std::string_view tail = rest.substr(authority_end);
    const auto query = tail.find_first_of("?#");
    const std::string_view path = tail.substr(0, query);
    if (path.size() > 1) {
        out += "/…";
    } else {
        out += path;
    }
    if (query != std::string_view::npos) out += tail[query] == '?' ? "?…" : "#…";
    return out;
}

}  // namespace macf::chain
