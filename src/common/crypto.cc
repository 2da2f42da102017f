#include "common/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/fs.h"
#include "common/ids.h"
#include "common/strings.h"

namespace sluice::crypto {
namespace {

void EnsureInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness: nothing here can be safe
  });
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string RandomBytes(size_t n) {
  EnsureInit();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

}  // namespace

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::Minimal() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  EnsureInit();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("not enough memory to hash a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureInit();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash, PasswordCost cost) {
  EnsureInit();
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), cost.ops, cost.mem_bytes) != 0;
}

std::string RandomBase64Url(size_t bytes) {
  return Base64Encode(RandomBytes(bytes), true);
}

std::string NewToken(std::string_view prefix) {
  return std::string(prefix) + RandomBase64Url(32);
}

std::string NewPassword(size_t length) {
  EnsureInit();
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  out.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return out;
}

std::string HashToken(std::string_view token) {
  EnsureInit();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, Bytes(token), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  EnsureInit();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view bytes, bool url_safe) {
  EnsureInit();
  int variant =
      url_safe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> Base64Decode(std::string_view text, bool url_safe) {
  EnsureInit();
  int variant =
      url_safe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL;
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), " \t\r\n", &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument("not valid base64");
  }
  out.resize(len);
  return out;
}

// ---- SecretBox ----

SecretBox::~SecretBox() {
  sodium_memzero(key_.data(), key_.size());
}

SecretBox SecretBox::Random() {
  EnsureInit();
  SecretBox box;
  crypto_secretbox_keygen(box.key_.data());
  return box;
}

Result<SecretBox> SecretBox::FromBase64(std::string_view key_base64) {
  auto raw = Base64Decode(Trim(key_base64));
  if (!raw.ok() || raw->size() != kKeyBytes) {
    return InvalidArgument("the secret key must be " + std::to_string(kKeyBytes) +
                           " random bytes in base64")
        .Hint("make one with: head -c 32 /dev/urandom | base64");
  }
  SecretBox box;
  std::memcpy(box.key_.data(), raw->data(), kKeyBytes);
  sodium_memzero(raw->data(), raw->size());
  return box;
}

Result<SecretBox> SecretBox::LoadOrCreate(const std::filesystem::path& key_file) {
  struct stat st {};
  if (::stat(key_file.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return FailedPrecondition(std::string("cannot read the secret key: ") + std::strerror(errno))
          .At(key_file.string());
    }
    // Write the whole key to a private temporary file, then link it into place: link()
    // fails when another process won the race, and then its key is the one to read.
    SecretBox fresh = Random();
    std::string text = Base64Encode(std::string_view(
                           reinterpret_cast<const char*>(fresh.key_.data()), kKeyBytes)) +
                       "\n";
    std::filesystem::path tmp = key_file;
    tmp += ".tmp-" + RandomHex(6);
    Status written = WriteFileAtomic(tmp, text, 0600);
    sodium_memzero(text.data(), text.size());
    if (!written.ok()) return std::move(written).error().Context("cannot create the secret key");
    int rc = ::link(tmp.c_str(), key_file.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc == 0) return fresh;
    if (err != EEXIST) {
      return FailedPrecondition(std::string("cannot create the secret key: ") + std::strerror(err))
          .At(key_file.string());
    }
    if (::stat(key_file.c_str(), &st) != 0) {
      return FailedPrecondition("cannot read the secret key").At(key_file.string());
    }
  }
  if ((st.st_mode & 077) != 0) {
    return FailedPrecondition("the secret key file is readable by other users")
        .At(key_file.string())
        .Hint("chmod 600 " + key_file.string());
  }
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(key_file, 1024));
  auto box = FromBase64(text);
  sodium_memzero(text.data(), text.size());
  if (!box.ok()) return std::move(box).error().At(key_file.string());
  return box;
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  EnsureInit();
  std::string buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(buf.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, Bytes(plaintext), plaintext.size(),
                        nonce, key_.data());
  return "v1:" + Base64Encode(buf);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  EnsureInit();
  if (!sealed.starts_with("v1:")) return InvalidArgument("not a sealed secret (no v1: prefix)");
  SLUICE_ASSIGN_OR_RETURN(std::string raw, Base64Decode(sealed.substr(3)));
  if (raw.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return InvalidArgument("sealed secret is too short");
  }
  const auto* nonce = Bytes(raw);
  size_t cipher_len = raw.size() - crypto_secretbox_NONCEBYTES;
  std::string out(cipher_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_len, nonce,
                                 key_.data()) != 0) {
    return PermissionDenied("cannot decrypt a stored secret: wrong key or damaged data")
        .Hint("start every replica with the same SLUICE_SECRET_KEY");
  }
  return out;
}

}  // namespace sluice::crypto
