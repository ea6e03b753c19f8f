// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/signing_key.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace macf::chain {

PrivateKey load_key_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        throw SigningKeyError("key file " + path + ": " + std::strerror(errno) +
                              (errno == ELOOP ? " (a symbolic link is not accepted)" : ""));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw SigningKeyError("key file " + path + ": not a regular file");
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
        throw SigningKeyError("key file " + path + " has mode " + mode +
                              ": others may read it; refusing it (chmod 600 " + path + ")");
    }
    std::string text(256, '\0');
    const ssize_t n = ::read(fd, text.data(), text.size());
    ::close(fd);
    if (n < 0) {
        wipe(text);
        throw SigningKeyError("key file " + path + ": " + std::strerror(errno));
    }
    text.resize(static_cast<std::size_t>(n));
    auto key = PrivateKey::from_hex(text);
    wipe(text);
    if (!key)
        throw SigningKeyError("key file " + path +
                              " does not hold a secp256k1 private key (64 hex digits)");
    return std::move(*key);
}

PrivateKey load_key_env(const std::string& name) {
    char* value = std::getenv(name.c_str());
    if (value == nullptr) throw SigningKeyError("environment variable " + name + " is not set");
    std::string text(value);
    OPENSSL_cleanse(value, std::strlen(value));
    ::unsetenv(name.c_str());
    auto key = PrivateKey::from_hex(text);
    wipe(text);
    if (!key)
        throw SigningKeyError("environment variable " + name +
                              " does not hold a secp256k1 private key (64 hex digits)");
    return std::move(*key);
}

}  // namespace macf::chain
