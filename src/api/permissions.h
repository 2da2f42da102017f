// The permission model: permissions, team roles, and the principal a request acts as.
//
// A user holds permissions through team roles (viewer, developer, admin per team) and the
// global admin flag (every permission everywhere). A token may be limited to a subset of
// permissions (its scopes): what it can do is its user's permissions within its scopes.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sluice::api {

enum class Permission {
  kJobsRead,
  kJobsWrite,    // create, update and delete jobs
  kJobsOperate,  // deploy, stop, savepoint, restart, ...
  kClustersRead,
  kClustersWrite,
  kTeamsRead,
  kTeamsWrite,  // create teams (global), manage members (team)
  kUsersRead,
  kUsersWrite,
  kAuditRead,
  kSqlUse,  // check, format and trace SQL
  kCount,
};

using PermissionSet = std::bitset<static_cast<size_t>(Permission::kCount)>;

std::string_view PermissionName(Permission p);  // "jobs:read"
std::optional<Permission> ParsePermission(std::string_view name);
const std::vector<Permission>& AllPermissions();
std::vector<std::string> PermissionNames(const PermissionSet& set);
PermissionSet Only(std::initializer_list<Permission> ps);
PermissionSet Everything();

enum class Role { kViewer, kDeveloper, kAdmin };

std::string_view RoleName(Role r);
Result<Role> ParseRole(std::string_view name);
// viewer: read jobs, clusters and teams; developer: also write and operate jobs and use
// SQL; admin: also clusters, members, users:read and the team's audit entries.
PermissionSet RolePermissions(Role r);

// Who a request acts as, resolved once per request by the Authenticator.
struct Principal {
  enum class Kind { kAnonymous, kSession, kToken, kBasic };

  Kind kind = Kind::kAnonymous;
  int64_t user_id = 0;
  std::string name;  // the user's name; "anonymous" when not authenticated
  bool is_admin = false;
  std::map<std::string, Role, std::less<>> teams;  // team name -> role
  std::optional<PermissionSet> scopes;             // set for scoped tokens
  int64_t token_id = 0;                            // kToken
  int64_t expires_at = 0;                          // of the token or session; 0: never
  std::string session_hash;                        // kSession
  std::string csrf_token;                          // kSession

  bool authenticated() const { return kind != Kind::kAnonymous; }
  std::string_view kind_name() const;  // anonymous, session, token, basic

  // Globally: as a global admin (within the token's scopes).
  bool CanGlobally(Permission p) const;
  // In one team: by the role there, or globally.
  bool CanInTeam(Permission p, std::string_view team) const;
  // Anywhere: globally or in at least one team (the route-level check).
  bool CanAnywhere(Permission p) const;
  // A resource limited to teams: globally, or in one of them. Empty `teams` means "for
  // every team", which needs the permission globally when `write`, anywhere when reading.
  bool CanForTeams(Permission p, const std::vector<std::string>& teams, bool write) const;
  // The teams where the principal holds p through its role (not counting global admin).
  std::vector<std::string> TeamsWith(Permission p) const;
  // Everything the principal may do somewhere; for token scopes and /auth/me.
  PermissionSet Effective() const;

 private:
  bool InScope(Permission p) const { return !scopes || scopes->test(static_cast<size_t>(p)); }
};

}  // namespace sluice::api
