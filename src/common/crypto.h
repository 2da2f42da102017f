// Cryptography on libsodium: password hashes (argon2id), random tokens, token digests for
// storage, constant-time comparison, and secret boxes that encrypt secrets at rest.
// Nothing here logs its inputs; callers must not either.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::crypto {

// The argon2id work factors. Interactive is libsodium's recommendation for logins;
// Minimal exists so that tests that create many users stay fast.
struct PasswordCost {
  uint64_t ops = 0;
  size_t mem_bytes = 0;
  static PasswordCost Interactive();
  static PasswordCost Minimal();
};

// "$argon2id$v=19$m=...": salt and parameters are part of the string.
Result<std::string> HashPassword(std::string_view password,
                                 PasswordCost cost = PasswordCost::Interactive());
bool VerifyPassword(std::string_view hash, std::string_view password);
// True when `hash` was made with other parameters than `cost` (rehash after a login).
bool PasswordNeedsRehash(std::string_view hash, PasswordCost cost);

// Random bytes, encoded.
std::string RandomBase64Url(size_t bytes);  // no padding
// An API token: prefix + 32 random bytes in base64url ("slc_...").
std::string NewToken(std::string_view prefix = "slc_");
// A readable random password (letters and digits, no look-alikes).
std::string NewPassword(size_t length = 20);

// SHA-256 of a token, lower-case hex: what the store keeps instead of the token.
std::string HashToken(std::string_view token);

// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string Base64Encode(std::string_view bytes, bool url_safe = false);
Result<std::string> Base64Decode(std::string_view text, bool url_safe = false);

// Authenticated encryption (XSalsa20-Poly1305) with one 32-byte key. Sealed text is
// "v1:" + base64(nonce || ciphertext); a wrong key or a changed byte fails to open.
class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  static SecretBox Random();
  // The key as base64 (standard alphabet), e.g. from SLUICE_SECRET_KEY.
  static Result<SecretBox> FromBase64(std::string_view key_base64);
  // Reads the key file, or creates it (mode 0600) with a random key when it does not
  // exist. Safe when several processes start at once: one creates, the others read.
  static Result<SecretBox> LoadOrCreate(const std::filesystem::path& key_file);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;

 private:
  SecretBox() = default;
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace sluice::crypto
