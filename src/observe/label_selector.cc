#include "observe/label_selector.h"

#include "common/strings.h"

namespace sluice::observe {

std::optional<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector s;
  for (const std::string& raw : Split(std::string(text), ',')) {
    std::string term(Trim(raw));
    if (term.empty()) continue;
    if (term.find('(') != std::string::npos || term.find(' ') != std::string::npos)
      return std::nullopt;  // set-based: "env in (a,b)"
    Term t;
    size_t at;
    if ((at = term.find("!=")) != std::string::npos) {
      t = {Term::Op::kNotEquals, term.substr(0, at), term.substr(at + 2)};
    } else if ((at = term.find("==")) != std::string::npos) {
      t = {Term::Op::kEquals, term.substr(0, at), term.substr(at + 2)};
    } else if ((at = term.find('=')) != std::string::npos) {
      t = {Term::Op::kEquals, term.substr(0, at), term.substr(at + 1)};
    } else if (term[0] == '!') {
      t = {Term::Op::kNotExists, term.substr(1), ""};
    } else {
      t = {Term::Op::kExists, term, ""};
    }
    if (t.key.empty()) return std::nullopt;
    s.terms_.push_back(std::move(t));
  }
  return s;
}

bool LabelSelector::Matches(const nlohmann::json& labels) const {
  for (const auto& t : terms_) {
    bool has = labels.is_object() && labels.contains(t.key) && labels[t.key].is_string();
    std::string value = has ? labels[t.key].get<std::string>() : "";
    switch (t.op) {
      case Term::Op::kEquals:
        if (!has || value != t.value) return false;
        break;
      case Term::Op::kNotEquals:
        if (has && value == t.value) return false;
        break;
      case Term::Op::kExists:
        if (!has) return false;
        break;
      case Term::Op::kNotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::Required(std::string_view key) const {
  for (const auto& t : terms_) {
    if (t.op == Term::Op::kEquals && t.key == key) return t.value;
  }
  return "";
}

}  // namespace sluice::observe
