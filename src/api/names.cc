#include "api/names.h"

#include "common/strings.h"

namespace sluice::api {
namespace {

bool LowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool Check(std::string_view name, std::string_view inner_extra) {
  if (name.empty() || name.size() > 63) return false;
  if (!LowerAlnum(name.front()) || !LowerAlnum(name.back())) return false;
  for (char c : name) {
    if (!LowerAlnum(c) && c != '-' && inner_extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

bool IsResourceName(std::string_view name) {
  return Check(name, "");
}
bool IsUserName(std::string_view name) {
  return Check(name, "._");
}

Status ValidateResourceName(std::string_view name, std::string_view what) {
  if (IsResourceName(name)) return Status::Ok();
  return InvalidArgument(std::string(what) + " " + Quote(name) + " is not a valid name")
      .Hint(
          "use 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or "
          "digit");
}

Status ValidateUserName(std::string_view name) {
  if (IsUserName(name)) return Status::Ok();
  return InvalidArgument("user name " + Quote(name) + " is not a valid name")
      .Hint(
          "use 1 to 63 lower-case letters, digits, '-', '.' and '_', starting and ending with a "
          "letter or digit");
}

}  // namespace sluice::api
