#include "sim/selector.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "sim/names.h"
#include "sim/text.h"

namespace sluice::sim {
namespace {

// Splits on commas outside parentheses.
std::vector<std::string> SplitTerms(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!Trim(cur).empty() || !out.empty()) out.push_back(Trim(cur));
  return out;
}

bool MatchReq(const Requirement& r, const Labels& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  switch (r.op) {
    case Requirement::Op::kEquals:
      return has && it->second == r.values[0];
    case Requirement::Op::kNotEquals:
      return !has || it->second != r.values[0];
    case Requirement::Op::kIn:
      return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    case Requirement::Op::kNotIn:
      return !has || std::find(r.values.begin(), r.values.end(), it->second) == r.values.end();
    case Requirement::Op::kExists:
      return has;
    case Requirement::Op::kDoesNotExist:
      return !has;
  }
  return false;
}

Status CheckKey(const std::string& key) {
  auto problems = CheckLabelKey(key);
  if (!problems.empty())
    return InvalidArgument("invalid label key \"" + key + "\": " + problems[0]);
  return {};
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(const std::string& text) {
  LabelSelector sel;
  for (const std::string& term : SplitTerms(text)) {
    if (term.empty())
      return InvalidArgument("found '', expected: identifier in label selector \"" + text + "\"");
    Requirement r;
    size_t sp;
    if (term[0] == '!') {
      r.key = Trim(term.substr(1));
      r.op = Requirement::Op::kDoesNotExist;
    } else if ((sp = term.find(" notin ")) != std::string::npos ||
               (sp = term.find(" in ")) != std::string::npos) {
      bool notin = term.compare(sp, 7, " notin ") == 0;
      r.key = Trim(term.substr(0, sp));
      std::string rest = Trim(term.substr(sp + (notin ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        return InvalidArgument("found '" + rest + "', expected: '(' in label selector \"" + text +
                               "\"");
      }
      for (auto& v : SplitTerms(rest.substr(1, rest.size() - 2)))
        r.values.push_back(Trim(v));
      r.op = notin ? Requirement::Op::kNotIn : Requirement::Op::kIn;
    } else if ((sp = term.find("!=")) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 2))};
      r.op = Requirement::Op::kNotEquals;
    } else if ((sp = term.find("==")) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 2))};
    } else if ((sp = term.find('=')) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 1))};
    } else {
      r.key = term;
      r.op = Requirement::Op::kExists;
    }
    SLUICE_RETURN_IF_ERROR(CheckKey(r.key));
    for (const auto& v : r.values) {
      auto problems = CheckLabelValue(v);
      if (!problems.empty()) {
        return InvalidArgument("invalid label value: \"" + v + "\": at key: \"" + r.key +
                               "\": " + problems[0]);
      }
    }
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

Result<LabelSelector> LabelSelector::FromJson(const nlohmann::json& selector) {
  LabelSelector sel;
  if (!selector.is_object()) return sel;
  const nlohmann::json match = selector.value("matchLabels", nlohmann::json::object());
  for (auto& [k, v] : match.items()) {
    if (!v.is_string()) return InvalidArgument("matchLabels values must be strings");
    sel.reqs_.push_back({k, Requirement::Op::kEquals, {v.get<std::string>()}});
  }
  for (const auto& e : selector.value("matchExpressions", nlohmann::json::array())) {
    Requirement r;
    r.key = e.value("key", "");
    std::string op = e.value("operator", "");
    if (op == "In")
      r.op = Requirement::Op::kIn;
    else if (op == "NotIn")
      r.op = Requirement::Op::kNotIn;
    else if (op == "Exists")
      r.op = Requirement::Op::kExists;
    else if (op == "DoesNotExist")
      r.op = Requirement::Op::kDoesNotExist;
    else
      return InvalidArgument("\"" + op + "\" is not a valid label selector operator");
    for (const auto& v : e.value("values", nlohmann::json::array()))
      r.values.push_back(v.get<std::string>());
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

bool LabelSelector::Matches(const Labels& labels) const {
  for (const auto& r : reqs_) {
    if (!MatchReq(r, labels)) return false;
  }
  return true;
}

namespace {

std::vector<std::string> FieldsFor(const std::string& kind) {
  std::vector<std::string> f = {"metadata.name", "metadata.namespace"};
  if (kind == "Pod") {
    for (const char* k :
         {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}) {
      f.push_back(k);
    }
  } else if (kind == "Event") {
    for (const char* k :
         {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}) {
      f.push_back(k);
    }
  } else if (kind == "Secret") {
    f.push_back("type");
  } else if (kind == "Namespace") {
    f.push_back("status.phase");
  } else if (kind == "ReplicaSet") {
    f.push_back("status.replicas");
  }
  return f;
}

std::string FieldValue(const nlohmann::json& obj, const std::string& path) {
  const nlohmann::json* cur = &obj;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(part)) return "";
    cur = &(*cur)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_number()) return cur->dump();
  return "";
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(const std::string& text, const std::string& kind) {
  FieldSelector sel;
  auto allowed = FieldsFor(kind);
  for (const std::string& term : SplitTerms(text)) {
    if (term.empty()) continue;
    Requirement r;
    size_t sp;
    if ((sp = term.find("!=")) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 2))};
      r.op = Requirement::Op::kNotEquals;
    } else if ((sp = term.find("==")) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 2))};
    } else if ((sp = term.find('=')) != std::string::npos) {
      r.key = Trim(term.substr(0, sp));
      r.values = {Trim(term.substr(sp + 1))};
    } else {
      return InvalidArgument("invalid selector: '" + text + "'; can't understand '" + term + "'");
    }
    if (std::find(allowed.begin(), allowed.end(), r.key) == allowed.end()) {
      return InvalidArgument("field label not supported: " + r.key);
    }
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

bool FieldSelector::Matches(const nlohmann::json& object) const {
  for (const auto& r : reqs_) {
    std::string v = FieldValue(object, r.key);
    if (r.op == Requirement::Op::kEquals && v != r.values[0]) return false;
    if (r.op == Requirement::Op::kNotEquals && v == r.values[0]) return false;
  }
  return true;
}

Labels LabelsOf(const nlohmann::json& object) {
  Labels out;
  if (!object.contains("metadata")) return out;
  const auto& md = object["metadata"];
  if (!md.contains("labels") || !md["labels"].is_object()) return out;
  for (auto& [k, v] : md["labels"].items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace sluice::sim
