#include "api/permissions.h"

namespace sluice::api {
namespace {

constexpr std::string_view kPermissionNames[] = {
    "jobs:read",   "jobs:write", "jobs:operate", "clusters:read", "clusters:write", "teams:read",
    "teams:write", "users:read", "users:write",  "audit:read",    "sql:use",
};
static_assert(std::size(kPermissionNames) == static_cast<size_t>(Permission::kCount));

size_t Bit(Permission p) {
  return static_cast<size_t>(p);
}

}  // namespace

std::string_view PermissionName(Permission p) {
  return kPermissionNames[Bit(p)];
}

std::optional<Permission> ParsePermission(std::string_view name) {
  for (size_t i = 0; i < std::size(kPermissionNames); ++i) {
    if (kPermissionNames[i] == name) return static_cast<Permission>(i);
  }
  return std::nullopt;
}

const std::vector<Permission>& AllPermissions() {
  static const std::vector<Permission> all = [] {
    std::vector<Permission> v;
    for (size_t i = 0; i < static_cast<size_t>(Permission::kCount); ++i) {
      v.push_back(static_cast<Permission>(i));
    }
    return v;
  }();
  return all;
}

std::vector<std::string> PermissionNames(const PermissionSet& set) {
  std::vector<std::string> out;
  for (Permission p : AllPermissions()) {
    if (set.test(Bit(p))) out.emplace_back(PermissionName(p));
  }
  return out;
}

PermissionSet Only(std::initializer_list<Permission> ps) {
  PermissionSet s;
  for (Permission p : ps)
    s.set(Bit(p));
  return s;
}

PermissionSet Everything() {
  return PermissionSet().set();
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kViewer:
      return "viewer";
    case Role::kDeveloper:
      return "developer";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kDeveloper, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgument("unknown role \"" + std::string(name) + "\"")
      .Hint("use viewer, developer or admin");
}

PermissionSet RolePermissions(Role r) {
  using P = Permission;
  // sql:use is a viewer's too: analysis is a pure function of the script (docs/api.md).
  PermissionSet viewer = Only({P::kJobsRead, P::kClustersRead, P::kTeamsRead, P::kSqlUse});
  PermissionSet developer = viewer | Only({P::kJobsWrite, P::kJobsOperate});
  PermissionSet admin =
      developer | Only({P::kClustersWrite, P::kTeamsWrite, P::kUsersRead, P::kAuditRead});
  switch (r) {
    case Role::kViewer:
      return viewer;
    case Role::kDeveloper:
      return developer;
    case Role::kAdmin:
      return admin;
  }
  return {};
}

std::string_view Principal::kind_name() const {
  switch (kind) {
    case Kind::kAnonymous:
      return "anonymous";
    case Kind::kSession:
      return "session";
    case Kind::kToken:
      return "token";
    case Kind::kBasic:
      return "basic";
  }
  return "anonymous";
}

bool Principal::CanGlobally(Permission p) const {
  return authenticated() && is_admin && InScope(p);
}

bool Principal::CanInTeam(Permission p, std::string_view team) const {
  if (CanGlobally(p)) return true;
  if (!authenticated() || !InScope(p)) return false;
  auto it = teams.find(team);
  return it != teams.end() && RolePermissions(it->second).test(Bit(p));
}

bool Principal::CanAnywhere(Permission p) const {
  if (CanGlobally(p)) return true;
  if (!authenticated() || !InScope(p)) return false;
  for (const auto& [team, role] : teams) {
    if (RolePermissions(role).test(Bit(p))) return true;
  }
  return false;
}

bool Principal::CanForTeams(Permission p, const std::vector<std::string>& limited_to,
                            bool write) const {
  if (CanGlobally(p)) return true;
  if (limited_to.empty()) return !write && CanAnywhere(p);
  for (const auto& team : limited_to) {
    bool can = CanInTeam(p, team);
    if (write && !can) return false;
    if (!write && can) return true;
  }
  return write;
}

std::vector<std::string> Principal::TeamsWith(Permission p) const {
  std::vector<std::string> out;
  if (!authenticated() || !InScope(p)) return out;
  for (const auto& [team, role] : teams) {
    if (RolePermissions(role).test(Bit(p))) out.push_back(team);
  }
  return out;
}

PermissionSet Principal::Effective() const {
  PermissionSet set;
  if (!authenticated()) return set;
  if (is_admin) set = Everything();
  for (const auto& [team, role] : teams)
    set |= RolePermissions(role);
  if (scopes) set &= *scopes;
  return set;
}

}  // namespace sluice::api
