#include "common/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "common/fs.h"
#include "support/test_env.h"

namespace sluice::crypto {
namespace {

TEST(CryptoTest, PasswordHashIsArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse", PasswordCost::Minimal());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsE"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse"));
  // Same password, new salt.
  EXPECT_NE(*hash, *HashPassword("correct horse", PasswordCost::Minimal()));
}

TEST(CryptoTest, RehashIsNeededWhenTheCostChanges) {
  auto hash = HashPassword("pw", PasswordCost::Minimal()).value();
  EXPECT_FALSE(PasswordNeedsRehash(hash, PasswordCost::Minimal()));
  EXPECT_TRUE(PasswordNeedsRehash(hash, PasswordCost::Interactive()));
}

TEST(CryptoTest, TokensAreRandomUrlSafeAndPrefixed) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = NewToken();
    ASSERT_TRUE(t.starts_with("slc_"));
    EXPECT_EQ(t.size(), 4u + 43u);  // 32 bytes in unpadded base64
    EXPECT_EQ(
        t.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 4),
        std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  std::string pw = NewPassword(24);
  EXPECT_EQ(pw.size(), 24u);
  EXPECT_EQ(pw.find_first_of("0O1lI"), std::string::npos);
}

TEST(CryptoTest, TokenHashIsSha256Hex) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashToken("slc_a"), HashToken("slc_b"));
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(CryptoTest, Base64RoundTripsAndRejectsGarbage) {
  std::string bytes = std::string("\x00\xff\x10 binary", 9);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes, true), true), bytes);
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_FALSE(Base64Decode("not base64!").ok());
}

TEST(CryptoTest, SecretBoxSealsAndOpens) {
  SecretBox box = SecretBox::Random();
  std::string sealed = box.Seal("kubeconfig: secret");
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  EXPECT_NE(sealed, box.Seal("kubeconfig: secret"));  // a fresh nonce every time
  EXPECT_EQ(*box.Open(sealed), "kubeconfig: secret");
  EXPECT_EQ(*box.Open(box.Seal("")), "");

  SecretBox other = SecretBox::Random();
  auto wrong = other.Open(sealed);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);

  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.Open(tampered).ok());
  EXPECT_FALSE(box.Open("plain text").ok());
  EXPECT_FALSE(box.Open("v1:AAAA").ok());
}

TEST(CryptoTest, SecretBoxFromBase64Key) {
  std::string key = Base64Encode(std::string(32, '\x07'));
  auto a = SecretBox::FromBase64(key);
  ASSERT_TRUE(a.ok());
  auto b = SecretBox::FromBase64(key + "\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->Open(a->Seal("x")), "x");
  auto short_key = SecretBox::FromBase64(Base64Encode("too short"));
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().hint.find("base64"), std::string::npos);
}

TEST(CryptoTest, KeyFileIsCreatedPrivateOnceAndReused) {
  testing::TempDir dir;
  auto path = dir.path() / "secret.key";
  auto first = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Open(first->Seal("same key")), "same key");

  ::chmod(path.c_str(), 0644);
  auto exposed = SecretBox::LoadOrCreate(path);
  ASSERT_FALSE(exposed.ok());
  EXPECT_NE(exposed.error().hint.find("chmod 600"), std::string::npos);
}

TEST(CryptoTest, ConcurrentFirstStartsAgreeOnOneKey) {
  testing::TempDir dir;
  auto path = dir.path() / "secret.key";
  std::vector<std::string> sealed(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sealed.size(); ++i) {
    threads.emplace_back([&, i] {
      auto box = SecretBox::LoadOrCreate(path);
      if (box.ok()) sealed[i] = box->Seal("v" + std::to_string(i));
    });
  }
  for (auto& t : threads)
    t.join();
  auto box = SecretBox::LoadOrCreate(path).value();
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto opened = box.Open(sealed[i]);
    ASSERT_TRUE(opened.ok()) << i;
    EXPECT_EQ(*opened, "v" + std::to_string(i));
  }
  // No temporary files left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace sluice::crypto
