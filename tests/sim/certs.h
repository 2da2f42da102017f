// The simulator's own PKI, made at start with OpenSSL: a CA, a server certificate for
// 127.0.0.1 and localhost, and client certificates signed by the CA.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace sluice::sim {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct Pki {
  KeyPair ca;
  KeyPair server;
  KeyPair admin_client;  // CN=sluice-sim-admin, O=system:masters
};

// A fresh CA and the certificates it signs; `hosts` become SANs (IPs or DNS names).
Result<Pki> MakePki(const std::vector<std::string>& hosts, const std::string& client_cn);
// One more client certificate from the same CA.
Result<KeyPair> IssueClientCert(const KeyPair& ca, const std::string& cn, const std::string& org);

}  // namespace sluice::sim
