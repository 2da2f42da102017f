#include "api/user_service.h"

#include "common/crypto.h"
#include "common/strings.h"

namespace sluice::api {

Status UserService::CheckPasswordRules(const std::string& password,
                                       const std::string& user_name) const {
  if (password.size() < options_.min_password_length) {
    return InvalidArgument("the password must be at least " +
                           std::to_string(options_.min_password_length) + " characters long")
        .At("password");
  }
  if (password.size() > 1024) return InvalidArgument("the password is too long").At("password");
  if (EqualsIgnoreCase(password, user_name)) {
    return InvalidArgument("the password must differ from the user name").At("password");
  }
  return Status::Ok();
}

Result<store::User> UserService::Create(const std::string& name, const std::string& display_name,
                                        const std::string& password, bool admin) {
  SLUICE_RETURN_IF_ERROR(CheckPasswordRules(password, name));
  SLUICE_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, options_.password_cost));
  return store_.CreateUser(
      {.name = name, .display_name = display_name, .password_hash = hash, .is_admin = admin});
}

Result<store::User> UserService::Update(const Principal& actor, const std::string& name,
                                        const UserPatch& patch) {
  SLUICE_ASSIGN_OR_RETURN(store::User user, store_.FindUser(name));
  bool self = actor.user_id == user.id;
  bool manager = actor.CanGlobally(Permission::kUsersWrite);
  if (!manager && (patch.disabled || patch.admin || !self)) {
    return PermissionDenied("changing " +
                            std::string(patch.disabled ? "whether a user is disabled"
                                        : patch.admin  ? "the admin flag"
                                                       : "another user") +
                            " needs users:write globally");
  }
  bool was_active_admin = user.is_admin && !user.disabled;
  if (patch.display_name) user.display_name = *patch.display_name;
  if (patch.disabled) user.disabled = *patch.disabled;
  if (patch.admin) user.is_admin = *patch.admin;
  if (patch.password) {
    if (self) {
      if (!patch.current_password) {
        return InvalidArgument("give the current password to change your own")
            .At("currentPassword");
      }
      if (!crypto::VerifyPassword(user.password_hash, *patch.current_password)) {
        return PermissionDenied("the current password is wrong").At("currentPassword");
      }
    }
    SLUICE_RETURN_IF_ERROR(CheckPasswordRules(*patch.password, user.name));
    SLUICE_ASSIGN_OR_RETURN(user.password_hash,
                            crypto::HashPassword(*patch.password, options_.password_cost));
  }
  if (was_active_admin && (!user.is_admin || user.disabled)) {
    SLUICE_ASSIGN_OR_RETURN(int64_t admins, store_.CountActiveAdmins());
    if (admins <= 1) {
      return FailedPrecondition("user " + Quote(user.name) + " is the last enabled administrator")
          .Hint("make another user an administrator first");
    }
  }
  SLUICE_RETURN_IF_ERROR(store_.UpdateUser(user));
  if (patch.password || (patch.disabled && *patch.disabled)) {
    SLUICE_RETURN_IF_ERROR(store_.DeleteSessionsOfUser(user.id));
  }
  return user;
}

Result<std::optional<std::string>> UserService::Bootstrap(const std::string& password) {
  SLUICE_ASSIGN_OR_RETURN(int64_t users, store_.CountUsers());
  if (users > 0) return std::optional<std::string>();
  std::string chosen = password.empty() ? crypto::NewPassword(20) : password;
  Status rules = CheckPasswordRules(chosen, "admin");
  if (!rules.ok()) {
    return std::move(rules).error().At("SLUICE_BOOTSTRAP_ADMIN_PASSWORD");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(chosen, options_.password_cost));
  auto created = store_.CreateUser(
      {.name = "admin", .display_name = "Administrator", .password_hash = hash, .is_admin = true});
  if (!created.ok()) {
    if (created.error().code == ErrorCode::kAlreadyExists) return std::optional<std::string>();
    return std::move(created).error();
  }
  if (!password.empty()) return std::optional<std::string>();
  return std::optional<std::string>(chosen);
}

}  // namespace sluice::api
