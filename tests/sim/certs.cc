#include "sim/certs.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sluice::sim {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;

KeyPtr NewKey() {
  return KeyPtr(EVP_EC_gen("P-256"));
}

std::string ToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

std::string ToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

bool AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return true;
}

CertPtr NewCert(EVP_PKEY* key, const std::string& cn, const std::string& org, int days) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * days);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!org.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

Result<KeyPair> Sign(CertPtr cert, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer ? issuer : cert.get()));
  if (!X509_sign(cert.get(), issuer_key, EVP_sha256()))
    return Internal("cannot sign a certificate");
  return KeyPair{ToPem(cert.get()), ToPem(key)};
}

Result<std::pair<CertPtr, KeyPtr>> Load(const KeyPair& kp) {
  BioPtr cb(BIO_new_mem_buf(kp.cert_pem.data(), static_cast<int>(kp.cert_pem.size())));
  BioPtr kb(BIO_new_mem_buf(kp.key_pem.data(), static_cast<int>(kp.key_pem.size())));
  CertPtr cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  KeyPtr key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return InvalidArgument("the CA certificate or key cannot be read");
  return std::make_pair(std::move(cert), std::move(key));
}

bool IsIp(const std::string& h) {
  return !h.empty() &&
         (std::isdigit(static_cast<unsigned char>(h[0])) || h.find(':') != std::string::npos);
}

}  // namespace

Result<KeyPair> IssueClientCert(const KeyPair& ca, const std::string& cn, const std::string& org) {
  SLUICE_ASSIGN_OR_RETURN(auto loaded, Load(ca));
  KeyPtr key = NewKey();
  if (!key) return Internal("cannot make a key");
  CertPtr cert = NewCert(key.get(), cn, org, 365);
  AddExt(cert.get(), loaded.first.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExt(cert.get(), loaded.first.get(), NID_key_usage,
         "critical,digitalSignature,keyEncipherment");
  AddExt(cert.get(), loaded.first.get(), NID_ext_key_usage, "clientAuth");
  return Sign(std::move(cert), key.get(), loaded.first.get(), loaded.second.get());
}

Result<Pki> MakePki(const std::vector<std::string>& hosts, const std::string& client_cn) {
  Pki pki;
  KeyPtr ca_key = NewKey();
  if (!ca_key) return Internal("cannot make a key");
  CertPtr ca = NewCert(ca_key.get(), "sluice-sim-ca", "", 3650);
  AddExt(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExt(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  AddExt(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  if (!X509_sign(ca.get(), ca_key.get(), EVP_sha256()))
    return Internal("cannot sign the CA certificate");
  pki.ca = {ToPem(ca.get()), ToPem(ca_key.get())};

  KeyPtr server_key = NewKey();
  CertPtr server = NewCert(server_key.get(), "sluice-sim", "", 365);
  std::string san;
  for (const auto& h : hosts) {
    if (!san.empty()) san.append(",");
    san.append(IsIp(h) ? "IP:" : "DNS:");
    san.append(h);
  }
  AddExt(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExt(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExt(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  if (!AddExt(server.get(), ca.get(), NID_subject_alt_name, san))
    return InvalidArgument("bad host for the certificate: " + san);
  SLUICE_ASSIGN_OR_RETURN(pki.server,
                          Sign(std::move(server), server_key.get(), ca.get(), ca_key.get()));
  SLUICE_ASSIGN_OR_RETURN(pki.admin_client, IssueClientCert(pki.ca, client_cn, "system:masters"));
  return pki;
}

}  // namespace sluice::sim
