// libFuzzer target over the whole SQL pipeline: lex, split, parse, analyze, render, and
// print-then-reparse every statement that parsed (the printer must round-trip), and the
// check answer of CheckCache (kept across inputs) must be the whole analysis' answer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/analyzer.h"
#include "sql/check_cache.h"
#include "sql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::sql;
  std::string_view script(reinterpret_cast<const char*>(data), size);
  for (FlinkVersion v : {kNewestFlinkVersion, FlinkVersion::k1_17}) {
    CheckResult r = Check(script, Options{v, true});
    std::string whole = CheckJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    static CheckCache cache(size_t{8} << 20);
    if (CheckJsonText(r) != whole || cache.CheckJsonText(script, Options{v, true}) != whole) {
      std::fprintf(stderr, "the check answer differs from the whole analysis' answer\n");
      std::abort();
    }
    (void)RenderDiagnostics(r, "fuzz.sql");
    (void)LineageJson(r).dump();
    (void)LineageDot(r);
    if (v != kNewestFlinkVersion) break;
    for (const Statement& s : r.statements) {
      if (s.ast == nullptr) continue;
      for (bool pretty : {false, true}) {
        std::string printed = Print(*s.ast, PrintOptions{pretty});
        CheckResult again = Check(printed, Options{v, true});
        if (again.statements.size() != 1 || again.statements[0].ast == nullptr ||
            !SameTree(s.ast, again.statements[0].ast)) {
          std::fprintf(stderr, "round trip failed:\n%.*s\nprinted as:\n%s\n",
                       static_cast<int>(s.text.size()), s.text.data(), printed.c_str());
          std::abort();
        }
      }
    }
  }
  (void)Format(script);
  return 0;
}
