#include "sim/protobuf.h"

#include <map>

namespace sluice::sim {
namespace {

using nlohmann::json;

enum class F { kString, kInt, kBool, kBytes, kMessage, kStringMap, kBytesMap, kTime };

struct Field {
  std::string name;
  F kind;
  bool repeated = false;
  std::string message;  // for kMessage
};

using Schema = std::map<int, Field>;

const std::map<std::string, Schema>& Schemas() {
  static const std::map<std::string, Schema> s = {
      {"ObjectMeta",
       {{1, {"name", F::kString}},
        {2, {"generateName", F::kString}},
        {3, {"namespace", F::kString}},
        {5, {"uid", F::kString}},
        {6, {"resourceVersion", F::kString}},
        {7, {"generation", F::kInt}},
        {11, {"labels", F::kStringMap}},
        {12, {"annotations", F::kStringMap}},
        {13, {"ownerReferences", F::kMessage, true, "OwnerReference"}},
        {14, {"finalizers", F::kString, true}}}},
      {"OwnerReference",
       {{1, {"kind", F::kString}},
        {3, {"name", F::kString}},
        {4, {"uid", F::kString}},
        {5, {"apiVersion", F::kString}},
        {6, {"controller", F::kBool}},
        {7, {"blockOwnerDeletion", F::kBool}}}},
      {"Namespace",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"spec", F::kMessage, false, "NamespaceSpec"}}}},
      {"NamespaceSpec", {{1, {"finalizers", F::kString, true}}}},
      {"ServiceAccount",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"secrets", F::kMessage, true, "ObjectReference"}},
        {3, {"imagePullSecrets", F::kMessage, true, "LocalObjectReference"}},
        {4, {"automountServiceAccountToken", F::kBool}}}},
      {"ObjectReference",
       {{1, {"kind", F::kString}},
        {2, {"namespace", F::kString}},
        {3, {"name", F::kString}},
        {4, {"uid", F::kString}},
        {5, {"apiVersion", F::kString}},
        {6, {"resourceVersion", F::kString}},
        {7, {"fieldPath", F::kString}}}},
      {"LocalObjectReference", {{1, {"name", F::kString}}}},
      {"ConfigMap",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"data", F::kStringMap}},
        {3, {"binaryData", F::kBytesMap}},
        {4, {"immutable", F::kBool}}}},
      {"Secret",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"data", F::kBytesMap}},
        {3, {"type", F::kString}},
        {4, {"stringData", F::kStringMap}},
        {5, {"immutable", F::kBool}}}},
      {"PolicyRule",
       {{1, {"verbs", F::kString, true}},
        {2, {"apiGroups", F::kString, true}},
        {3, {"resources", F::kString, true}},
        {4, {"resourceNames", F::kString, true}},
        {5, {"nonResourceURLs", F::kString, true}}}},
      {"Role",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"rules", F::kMessage, true, "PolicyRule"}}}},
      {"ClusterRole",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"rules", F::kMessage, true, "PolicyRule"}}}},
      {"Subject",
       {{1, {"kind", F::kString}},
        {2, {"apiGroup", F::kString}},
        {3, {"name", F::kString}},
        {4, {"namespace", F::kString}}}},
      {"RoleRef",
       {{1, {"apiGroup", F::kString}}, {2, {"kind", F::kString}}, {3, {"name", F::kString}}}},
      {"RoleBinding",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"subjects", F::kMessage, true, "Subject"}},
        {3, {"roleRef", F::kMessage, false, "RoleRef"}}}},
      {"ClusterRoleBinding",
       {{1, {"metadata", F::kMessage, false, "ObjectMeta"}},
        {2, {"subjects", F::kMessage, true, "Subject"}},
        {3, {"roleRef", F::kMessage, false, "RoleRef"}}}},
      {"Unknown", {{1, {"typeMeta", F::kMessage, false, "TypeMeta"}}, {2, {"raw", F::kBytes}}}},
      {"TypeMeta", {{1, {"apiVersion", F::kString}}, {2, {"kind", F::kString}}}},
      {"MapEntry", {{1, {"key", F::kBytes}}, {2, {"value", F::kBytes}}}},
  };
  return s;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : d_(data) {}
  bool done() const { return p_ >= d_.size(); }
  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p_ < d_.size(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(d_[p_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Bytes(std::string_view& out) {
    uint64_t n;
    if (!Varint(n) || p_ + n > d_.size()) return false;
    out = d_.substr(p_, n);
    p_ += n;
    return true;
  }
  bool Skip(int wire) {
    uint64_t v;
    std::string_view s;
    switch (wire) {
      case 0:
        return Varint(v);
      case 1:
        p_ += 8;
        return p_ <= d_.size();
      case 2:
        return Bytes(s);
      case 5:
        p_ += 4;
        return p_ <= d_.size();
      default:
        return false;
    }
  }

 private:
  std::string_view d_;
  size_t p_ = 0;
};

std::string B64(std::string_view in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(tbl[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(tbl[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4)
    out.push_back('=');
  return out;
}

Result<json> Decode(std::string_view data, const std::string& type) {
  auto sit = Schemas().find(type);
  if (sit == Schemas().end()) return Unimplemented("no protobuf schema for " + type);
  const Schema& schema = sit->second;
  json out = json::object();
  Reader r(data);
  while (!r.done()) {
    uint64_t key;
    if (!r.Varint(key)) return InvalidArgument("truncated protobuf");
    int num = static_cast<int>(key >> 3);
    int wire = static_cast<int>(key & 7);
    auto fit = schema.find(num);
    if (fit == schema.end()) {
      if (!r.Skip(wire)) return InvalidArgument("truncated protobuf");
      continue;
    }
    const Field& f = fit->second;
    json value;
    if (wire == 0) {
      uint64_t v;
      if (!r.Varint(v)) return InvalidArgument("truncated protobuf");
      if (f.kind == F::kBool)
        value = v != 0;
      else
        value = static_cast<int64_t>(v);
    } else if (wire == 2) {
      std::string_view bytes;
      if (!r.Bytes(bytes)) return InvalidArgument("truncated protobuf");
      if (f.kind == F::kString) {
        value = std::string(bytes);
      } else if (f.kind == F::kBytes) {
        value = std::string(bytes);
      } else if (f.kind == F::kMessage) {
        SLUICE_ASSIGN_OR_RETURN(value, Decode(bytes, f.message));
      } else if (f.kind == F::kStringMap || f.kind == F::kBytesMap) {
        SLUICE_ASSIGN_OR_RETURN(json entry, Decode(bytes, "MapEntry"));
        std::string k = entry.value("key", "");
        std::string v = entry.value("value", "");
        if (!out.contains(f.name)) out[f.name] = json::object();
        out[f.name][k] = f.kind == F::kBytesMap ? B64(v) : v;
        continue;
      }
    } else {
      if (!r.Skip(wire)) return InvalidArgument("truncated protobuf");
      continue;
    }
    // proto2 sends zero values; JSON omits them.
    if (!f.repeated && ((value.is_string() && value.get<std::string>().empty()) ||
                        (value.is_number_integer() && value.get<int64_t>() == 0))) {
      continue;
    }
    if (f.repeated) {
      if (!out.contains(f.name)) out[f.name] = json::array();
      out[f.name].push_back(value);
    } else {
      out[f.name] = value;
    }
  }
  return out;
}

}  // namespace

Result<json> DecodeKubernetesProtobuf(const std::string& body) {
  if (body.size() < 4 || body.compare(0, 4, std::string("k8s\0", 4)) != 0) {
    return InvalidArgument("a protobuf body must start with the k8s magic number");
  }
  SLUICE_ASSIGN_OR_RETURN(json unknown, Decode(std::string_view(body).substr(4), "Unknown"));
  std::string kind = unknown.value("typeMeta", json::object()).value("kind", "");
  std::string api_version = unknown.value("typeMeta", json::object()).value("apiVersion", "");
  std::string raw = unknown.value("raw", "");
  SLUICE_ASSIGN_OR_RETURN(json obj, Decode(raw, kind));
  obj["apiVersion"] = api_version;
  obj["kind"] = kind;
  return obj;
}

}  // namespace sluice::sim
