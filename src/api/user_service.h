// Users: creation, changes and their rules (who may change what, password rules, the last
// administrator), and the first administrator at first start.
#pragma once

#include <optional>
#include <string>

#include "api/auth_options.h"
#include "api/permissions.h"
#include "store/store.h"

namespace sluice::api {

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<bool> disabled;
  std::optional<bool> admin;
  std::optional<std::string> password;
  std::optional<std::string> current_password;  // required to change one's own password
};

class UserService {
 public:
  UserService(store::Store& store, const AuthOptions& options) : store_(store), options_(options) {}

  Status CheckPasswordRules(const std::string& password, const std::string& user_name) const;

  Result<store::User> Create(const std::string& name, const std::string& display_name,
                             const std::string& password, bool admin);
  // A user may change their own display name and password (giving the current one);
  // everything else needs users:write globally. Never leaves the server without an
  // enabled administrator. A new password or disabling ends the user's sessions.
  Result<store::User> Update(const Principal& actor, const std::string& name,
                             const UserPatch& patch);

  // At first start (no users at all): creates "admin" with `password`, or with a random
  // password that is returned to be shown once. nullopt when users exist already, also
  // when another replica created the administrator at the same moment.
  Result<std::optional<std::string>> Bootstrap(const std::string& password);

 private:
  store::Store& store_;
  const AuthOptions& options_;
};

}  // namespace sluice::api
