// flinkconf-gen: writes (or, with --check, verifies) the option catalogs of
// src/flinkconf/catalog/ from Flink's option tables. `make catalog` runs it.
#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include "catalog_generator.h"
#include "common/fs.h"

namespace fs = std::filesystem;

namespace {

int Usage() {
  std::cerr << "usage: flinkconf-gen --reference <flink-config dir> --rules <rules dir> "
               "--out <catalog dir> [--check]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path reference, rules, out;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&](fs::path& target) {
      if (i + 1 >= argc) return false;
      target = argv[++i];
      return true;
    };
    if (arg == "--reference") {
      if (!next(reference)) return Usage();
    } else if (arg == "--rules") {
      if (!next(rules)) return Usage();
    } else if (arg == "--out") {
      if (!next(out)) return Usage();
    } else if (arg == "--check") {
      check = true;
    } else {
      std::cerr << "flinkconf-gen: unknown argument " << arg << "\n";
      return Usage();
    }
  }
  if (reference.empty() || rules.empty() || out.empty()) return Usage();

  auto files = sluice::flinkconf_gen::GenerateCatalogs(reference, rules);
  if (!files.ok()) {
    std::cerr << "flinkconf-gen: " << files.error().ToString() << "\n";
    return 1;
  }
  std::set<std::string> names;
  int differences = 0;
  for (const auto& f : *files) {
    names.insert(f.name);
    fs::path target = out / f.name;
    auto current = sluice::ReadFile(target);
    bool same = current.ok() && *current == f.content;
    if (check) {
      if (!same) {
        std::cerr << "flinkconf-gen: " << target.string()
                  << " differs from what the reference gives; run `make catalog`\n";
        ++differences;
      }
      continue;
    }
    if (same) continue;
    std::error_code ec;
    fs::create_directories(out, ec);
    auto status = sluice::WriteFileAtomic(target, f.content);
    if (!status.ok()) {
      std::cerr << "flinkconf-gen: " << status.error().ToString() << "\n";
      return 1;
    }
    std::cout << "flinkconf-gen: wrote " << target.string() << "\n";
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("flink-") && name.ends_with(".tsv") && !names.count(name)) {
      std::cerr << "flinkconf-gen: " << e.path().string()
                << " has no options table in the reference any more; remove it\n";
      ++differences;
    }
  }
  return differences ? 1 : 0;
}
