#include "sim/patch.h"

#include <map>

namespace sluice::sim {
namespace {

using nlohmann::json;

// Patch merge keys of the built-in kinds (k8s.io/api struct tags), by the list's field name
// and, where the same name differs by context, by kind.
std::string MergeKeyByField(const std::string& kind, const std::string& parent,
                            const std::string& field) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" ||
      field == "env" || field == "volumes" || field == "imagePullSecrets" ||
      field == "resourceClaims" || field == "schedulingGates") {
    return "name";
  }
  if (field == "ports") {
    if (kind == "Service" && parent == "spec") return "port";
    if (kind == "Endpoints") return "";
    return "containerPort";
  }
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "hostAliases") return "ip";
  if (field == "topologySpreadConstraints") return "topologyKey";
  if (field == "conditions") return "type";
  if (field == "ownerReferences" && parent == "metadata") return "uid";
  return "";
}

bool PrimitiveMergeList(const std::string& parent, const std::string& field) {
  return parent == "metadata" && field == "finalizers";
}

std::string LastSegment(const std::string& path) {
  auto p = path.rfind('.');
  return p == std::string::npos ? path : path.substr(p + 1);
}

std::string ParentSegment(const std::string& path) {
  auto p = path.rfind('.');
  if (p == std::string::npos) return "";
  return LastSegment(path.substr(0, p));
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Status SmpObject(json& target, const json& patch, const std::string& kind, const std::string& path);

Status SmpList(json& target, const json& patch, const std::string& kind, const std::string& path,
               const json* order) {
  std::string key = MergeKeyFor(kind, path);
  if (key.empty()) {
    if (PrimitiveMergeList(ParentSegment(path), LastSegment(path))) {
      if (!target.is_array()) target = json::array();
      for (const auto& item : patch) {
        if (std::find(target.begin(), target.end(), item) == target.end()) target.push_back(item);
      }
      return {};
    }
    target = patch;
    return {};
  }
  if (!target.is_array()) target = json::array();
  // A single {"$patch": "replace"} element replaces the whole list with the rest.
  for (const auto& item : patch) {
    if (item.is_object() && item.value("$patch", "") == "replace") {
      json rest = json::array();
      for (const auto& other : patch) {
        if (&other != &item) rest.push_back(other);
      }
      target = rest;
      return {};
    }
  }
  for (const auto& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      return InvalidArgument("map: " + item.dump() + " does not contain declared merge key: " + key)
          .At(path);
    }
    auto it = std::find_if(target.begin(), target.end(), [&](const json& t) {
      return t.is_object() && t.contains(key) && t[key] == item[key];
    });
    std::string directive = item.value("$patch", "");
    if (directive == "delete") {
      if (it != target.end()) target.erase(it);
      continue;
    }
    if (it == target.end()) {
      json fresh = json::object();
      SLUICE_RETURN_IF_ERROR(SmpObject(fresh, item, kind, path));
      target.push_back(std::move(fresh));
    } else {
      SLUICE_RETURN_IF_ERROR(SmpObject(*it, item, kind, path));
    }
  }
  if (order && order->is_array()) {
    json sorted = json::array();
    for (const auto& want : *order) {
      for (auto& t : target) {
        if (t.is_object() && t.contains(key) && want.is_object() && want.contains(key) &&
            t[key] == want[key]) {
          sorted.push_back(t);
        }
      }
    }
    for (auto& t : target) {
      if (std::find(sorted.begin(), sorted.end(), t) == sorted.end()) sorted.push_back(t);
    }
    target = sorted;
  }
  return {};
}

Status SmpObject(json& target, const json& patch, const std::string& kind,
                 const std::string& path) {
  if (!patch.is_object()) {
    target = patch;
    return {};
  }
  std::string directive = patch.value("$patch", "");
  if (directive == "replace") {
    target = patch;
    target.erase("$patch");
    return {};
  }
  if (directive == "delete") {
    target = nullptr;
    return {};
  }
  if (!target.is_object()) target = json::object();
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    std::vector<std::string> drop;
    for (auto& [k, _] : target.items()) {
      if (std::find(patch["$retainKeys"].begin(), patch["$retainKeys"].end(), k) ==
          patch["$retainKeys"].end()) {
        drop.push_back(k);
      }
    }
    for (const auto& k : drop)
      target.erase(k);
  }
  for (auto& [k, v] : patch.items()) {
    if (k == "$patch" || k == "$retainKeys" || k.rfind("$setElementOrder/", 0) == 0) continue;
    if (k.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      std::string field = k.substr(std::string("$deleteFromPrimitiveList/").size());
      if (target.contains(field) && target[field].is_array() && v.is_array()) {
        json kept = json::array();
        for (const auto& e : target[field]) {
          if (std::find(v.begin(), v.end(), e) == v.end()) kept.push_back(e);
        }
        target[field] = kept;
      }
      continue;
    }
    if (v.is_null()) {
      target.erase(k);
      continue;
    }
    std::string child = Child(path, k);
    if (v.is_array()) {
      const json* order = nullptr;
      std::string order_key = "$setElementOrder/" + k;
      if (patch.contains(order_key)) order = &patch[order_key];
      if (!target.contains(k)) target[k] = json::array();
      SLUICE_RETURN_IF_ERROR(SmpList(target[k], v, kind, child, order));
    } else if (v.is_object()) {
      if (!target.contains(k)) target[k] = json::object();
      SLUICE_RETURN_IF_ERROR(SmpObject(target[k], v, kind, child));
      if (target[k].is_null()) target.erase(k);
    } else {
      target[k] = v;
    }
  }
  return {};
}

// --- field sets -------------------------------------------------------------------

bool SkipTopLevel(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "status";
}

bool SkipMetadata(const std::string& key) {
  return key == "managedFields" || key == "resourceVersion" || key == "uid" ||
         key == "creationTimestamp" || key == "generation" || key == "selfLink" ||
         key == "deletionTimestamp" || key == "deletionGracePeriodSeconds" || key == "namespace";
}

void Leaves(const json& v, const std::string& kind, const std::string& dotted, json segs,
            FieldSet& out) {
  if (v.is_object() && !v.empty()) {
    for (auto& [k, child] : v.items()) {
      if (segs.empty() && SkipTopLevel(k)) continue;
      if (segs.size() == 1 && segs[0] == "metadata" && SkipMetadata(k)) continue;
      json next = segs;
      next.push_back(k);
      Leaves(child, kind, Child(dotted, k), next, out);
    }
    return;
  }
  if (v.is_array()) {
    std::string key = MergeKeyFor(kind, dotted);
    if (!key.empty()) {
      for (const auto& item : v) {
        if (!item.is_object() || !item.contains(key)) continue;
        json next = segs;
        next.push_back(json{{key, item[key]}});
        Leaves(item, kind, dotted, next, out);
      }
      return;
    }
  }
  out.insert(segs.dump());
}

std::string Display(const json& segs) {
  std::string s;
  for (const auto& seg : segs) {
    if (seg.is_string()) {
      s += "." + seg.get<std::string>();
    } else {
      for (auto& [k, v] : seg.items())
        s += "[" + k + "=" + v.dump() + "]";
    }
  }
  return s;
}

const json* Lookup(const json& root, const json& segs) {
  const json* cur = &root;
  for (const auto& seg : segs) {
    if (seg.is_string()) {
      if (!cur->is_object() || !cur->contains(seg.get<std::string>())) return nullptr;
      cur = &(*cur)[seg.get<std::string>()];
    } else {
      if (!cur->is_array()) return nullptr;
      auto [k, want] = *seg.items().begin();
      const json* found = nullptr;
      for (const auto& item : *cur) {
        if (item.is_object() && item.contains(k) && item[k] == want) found = &item;
      }
      if (!found) return nullptr;
      cur = found;
    }
  }
  return cur;
}

void Remove(json& root, const json& segs) {
  if (segs.empty()) return;
  json parent_segs = segs;
  parent_segs.erase(parent_segs.size() - 1);
  json* cur = &root;
  for (const auto& seg : parent_segs) {
    if (seg.is_string()) {
      if (!cur->is_object() || !cur->contains(seg.get<std::string>())) return;
      cur = &(*cur)[seg.get<std::string>()];
    } else {
      if (!cur->is_array()) return;
      auto [k, want] = *seg.items().begin();
      json* found = nullptr;
      for (auto& item : *cur) {
        if (item.is_object() && item.contains(k) && item[k] == want) found = &item;
      }
      if (!found) return;
      cur = found;
    }
  }
  const json& last = segs.back();
  if (last.is_string() && cur->is_object()) cur->erase(last.get<std::string>());
}

// Removes list items that lost their merge key and maps left empty by removals.
void Tidy(json& v, const std::string& kind, const std::string& dotted, const json& before) {
  if (v.is_object()) {
    std::vector<std::string> drop;
    for (auto& [k, child] : v.items()) {
      const json* prior = before.is_object() && before.contains(k) ? &before[k] : nullptr;
      Tidy(child, kind, Child(dotted, k), prior ? *prior : json());
      if (child.is_object() && child.empty() && prior && prior->is_object() && !prior->empty()) {
        drop.push_back(k);
      }
    }
    for (const auto& k : drop)
      v.erase(k);
  } else if (v.is_array()) {
    std::string key = MergeKeyFor(kind, dotted);
    if (key.empty()) return;
    json kept = json::array();
    for (auto& item : v) {
      if (item.is_object() && !item.contains(key)) continue;
      kept.push_back(item);
    }
    v = kept;
  }
}

json FindManager(const json& managed, const std::string& manager, const std::string& operation) {
  for (const auto& m : managed) {
    if (m.value("manager", "") == manager && m.value("operation", "") == operation) return m;
  }
  return nullptr;
}

void SetManager(json& obj, const std::string& manager, const std::string& operation,
                const FieldSet& fields, const std::string& time_now) {
  json& managed = obj["metadata"]["managedFields"];
  if (!managed.is_array()) managed = json::array();
  json kept = json::array();
  for (auto& m : managed) {
    if (m.value("manager", "") == manager && m.value("operation", "") == operation) continue;
    kept.push_back(m);
  }
  if (!fields.empty()) {
    kept.push_back({{"manager", manager},
                    {"operation", operation},
                    {"apiVersion", obj.value("apiVersion", "v1")},
                    {"time", time_now},
                    {"fieldsType", "FieldsV1"},
                    {"fieldsV1", FieldSetToFieldsV1(fields)}});
  }
  managed = kept;
}

void MergeApplied(json& live, const json& applied, const std::string& kind,
                  const std::string& dotted) {
  if (!applied.is_object()) {
    live = applied;
    return;
  }
  if (!live.is_object()) live = json::object();
  for (auto& [k, v] : applied.items()) {
    std::string child = Child(dotted, k);
    if (v.is_null()) {
      live.erase(k);
    } else if (v.is_object()) {
      MergeApplied(live[k], v, kind, child);
    } else if (v.is_array()) {
      std::string key = MergeKeyFor(kind, child);
      if (key.empty() || !live.contains(k) || !live[k].is_array()) {
        live[k] = v;
        continue;
      }
      json& list = live[k];
      for (const auto& item : v) {
        if (!item.is_object() || !item.contains(key)) continue;
        auto it = std::find_if(list.begin(), list.end(), [&](const json& t) {
          return t.is_object() && t.contains(key) && t[key] == item[key];
        });
        if (it == list.end()) {
          list.push_back(item);
        } else {
          MergeApplied(*it, item, kind, child);
        }
      }
    } else {
      live[k] = v;
    }
  }
}

}  // namespace

json MergePatch(const json& original, const json& patch) {
  json out = original;
  out.merge_patch(patch);
  return out;
}

Result<json> JsonPatch(const json& original, const json& patch) {
  try {
    return original.patch(patch);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("the JSON patch cannot be applied: ") + e.what());
  }
}

std::string MergeKeyFor(const std::string& kind, const std::string& path) {
  return MergeKeyByField(kind, ParentSegment(path), LastSegment(path));
}

Result<json> StrategicMergePatch(const json& original, const json& patch, const std::string& kind) {
  if (!patch.is_object()) return InvalidArgument("a strategic merge patch must be a JSON object");
  json out = original;
  SLUICE_RETURN_IF_ERROR(SmpObject(out, patch, kind, ""));
  return out;
}

FieldSet LeafFields(const json& object, const std::string& kind) {
  FieldSet out;
  Leaves(object, kind, "", json::array(), out);
  return out;
}

json FieldSetToFieldsV1(const FieldSet& fields) {
  json root = json::object();
  for (const auto& f : fields) {
    json segs = json::parse(f);
    json* cur = &root;
    for (const auto& seg : segs) {
      std::string name;
      if (seg.is_string()) {
        name = "f:" + seg.get<std::string>();
      } else {
        name = "k:" + seg.dump();
      }
      if (!cur->contains(name)) (*cur)[name] = json::object();
      cur = &(*cur)[name];
      if (!seg.is_string()) (*cur)["."] = json::object();
    }
  }
  return root;
}

FieldSet FieldsV1ToFieldSet(const json& fields_v1) {
  FieldSet out;
  std::function<void(const json&, json)> walk = [&](const json& node, json segs) {
    bool leaf = true;
    for (auto& [k, child] : node.items()) {
      if (k == ".") continue;
      leaf = false;
      json next = segs;
      if (k.rfind("f:", 0) == 0) {
        next.push_back(k.substr(2));
      } else if (k.rfind("k:", 0) == 0) {
        try {
          next.push_back(json::parse(k.substr(2)));
        } catch (const std::exception&) {
          continue;
        }
      } else {
        continue;
      }
      walk(child, next);
    }
    if (leaf && !segs.empty()) {
      // A list item known only by key (its fields not tracked) is not a leaf of its own.
      if (!segs.back().is_string()) return;
      out.insert(segs.dump());
    }
  };
  if (fields_v1.is_object()) walk(fields_v1, json::array());
  return out;
}

ApplyResult ServerSideApply(const json& live_in, const json& applied, const std::string& manager,
                            bool force, const std::string& kind, const std::string& time_now) {
  ApplyResult result;
  json live = live_in.is_null() ? json::object() : live_in;
  FieldSet applying = LeafFields(applied, kind);
  json managed = live.contains("metadata") && live["metadata"].contains("managedFields")
                     ? live["metadata"]["managedFields"]
                     : json::array();
  // Conflicts with every other manager that owns a field this apply sets differently.
  std::map<std::string, FieldSet> others;
  FieldSet mine_before;
  for (const auto& m : managed) {
    FieldSet fs = FieldsV1ToFieldSet(m.value("fieldsV1", json::object()));
    std::string name = m.value("manager", "");
    if (name == manager && m.value("operation", "") == "Apply") {
      mine_before = fs;
    } else {
      others[name + "\n" + m.value("operation", "") + "\n" + m.value("apiVersion", "")] = fs;
    }
  }
  for (auto& [id, fs] : others) {
    std::string name = id.substr(0, id.find('\n'));
    std::string api = id.substr(id.rfind('\n') + 1);
    std::vector<std::string> taken;
    for (const auto& f : applying) {
      if (!fs.count(f)) continue;
      json segs = json::parse(f);
      const json* have = Lookup(live, segs);
      const json* want = Lookup(applied, segs);
      if (have && want && *have == *want) continue;
      if (force) {
        taken.push_back(f);
      } else {
        result.conflicts.push_back("conflict with \"" + name + "\" using " + api + ": " +
                                   Display(segs));
        result.conflict_fields.push_back(Display(segs));
      }
    }
    for (const auto& f : taken)
      fs.erase(f);
  }
  if (!result.conflicts.empty()) return result;

  json before = live;
  // Fields this manager applied before, applies no more, and nobody else owns: removed.
  for (const auto& f : mine_before) {
    if (applying.count(f)) continue;
    bool owned = false;
    for (const auto& [id, fs] : others)
      owned = owned || fs.count(f);
    if (!owned) Remove(live, json::parse(f));
  }
  Tidy(live, kind, "", before);
  MergeApplied(live, applied, kind, "");

  // Rewrite managedFields: others (minus forced fields), then this manager's Apply entry.
  json rebuilt = json::array();
  for (const auto& m : managed) {
    std::string name = m.value("manager", "");
    std::string op = m.value("operation", "");
    if (name == manager && op == "Apply") continue;
    std::string id = name + "\n" + op + "\n" + m.value("apiVersion", "");
    json entry = m;
    const FieldSet& fs = others[id];
    if (fs.empty()) continue;
    entry["fieldsV1"] = FieldSetToFieldsV1(fs);
    rebuilt.push_back(entry);
  }
  live["metadata"]["managedFields"] = rebuilt;
  SetManager(live, manager, "Apply", applying, time_now);
  result.object = std::move(live);
  return result;
}

void RecordUpdateOwnership(const json& before, json& after, const std::string& manager,
                           const std::string& kind, const std::string& time_now) {
  FieldSet old_fields = before.is_null() ? FieldSet{} : LeafFields(before, kind);
  FieldSet new_fields = LeafFields(after, kind);
  FieldSet changed;
  for (const auto& f : new_fields) {
    if (!old_fields.count(f)) {
      changed.insert(f);
      continue;
    }
    json segs = json::parse(f);
    const json* a = Lookup(before, segs);
    const json* b = Lookup(after, segs);
    if (!a || !b || *a != *b) changed.insert(f);
  }
  json managed = after["metadata"].value("managedFields", json::array());
  FieldSet mine;
  json prior = FindManager(managed, manager, "Update");
  if (!prior.is_null()) mine = FieldsV1ToFieldSet(prior.value("fieldsV1", json::object()));
  if (changed.empty() && prior.is_null()) return;
  json rebuilt = json::array();
  for (auto m : managed) {
    if (m.value("manager", "") == manager && m.value("operation", "") == "Update") continue;
    FieldSet fs = FieldsV1ToFieldSet(m.value("fieldsV1", json::object()));
    for (const auto& f : changed)
      fs.erase(f);
    // Whatever the object no longer has is owned by nobody.
    FieldSet kept;
    for (const auto& f : fs) {
      if (new_fields.count(f)) kept.insert(f);
    }
    if (kept.empty()) continue;
    m["fieldsV1"] = FieldSetToFieldsV1(kept);
    rebuilt.push_back(m);
  }
  after["metadata"]["managedFields"] = rebuilt;
  for (const auto& f : changed)
    mine.insert(f);
  FieldSet kept;
  for (const auto& f : mine) {
    if (new_fields.count(f)) kept.insert(f);
  }
  SetManager(after, manager, "Update", kept, time_now);
}

}  // namespace sluice::sim
