// Speed of the SQL analyzer (sql::Check: lex, split, parse, analyze) on Flink's own SQL:
// throughput and per-statement latency over the reference scripts and the TPC-DS
// queries, the whole reference corpus on one core, and one 200-line script.
// Run: build/bench/bin/sql_bench  (reference from SLUICE_REFERENCE_DIR or the build's
// default, ../shared/reference).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "sql/analyzer.h"
#include "sql/check_cache.h"

namespace {

namespace fs = std::filesystem;
using sluice::sql::Check;
using sluice::sql::CheckResult;

fs::path ReferenceDir() {
  const char* env = std::getenv("SLUICE_REFERENCE_DIR");
  return fs::path(env != nullptr ? env : SLUICE_DEFAULT_REFERENCE_DIR) / "flink-sql";
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Corpus {
  std::vector<std::string> scripts;  // whole .q and e2e scripts
  std::vector<std::string> tpcds;    // TPC-DS queries
  std::vector<std::string> cases;    // single statements from the JSON-lines files
  size_t bytes = 0;
};

const Corpus& TheCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus();
    for (const auto& e : fs::recursive_directory_iterator(ReferenceDir())) {
      if (!e.is_regular_file()) continue;
      std::string ext = e.path().extension().string();
      if (ext != ".sql" && ext != ".q") continue;
      std::string text = Read(e.path());
      if (e.path().string().find("tpcds") != std::string::npos) {
        c->tpcds.push_back(text);
      } else {
        c->scripts.push_back(text);
      }
    }
    for (const char* name : {"parser_cases.jsonl", "q_statements.jsonl"}) {
      std::ifstream in(ReferenceDir() / name);
      std::string line;
      while (std::getline(in, line)) {
        c->cases.push_back(nlohmann::json::parse(line)["sql"].get<std::string>());
      }
    }
    for (const auto* v : {&c->scripts, &c->tpcds, &c->cases}) {
      for (const std::string& s : *v)
        c->bytes += s.size();
    }
    if (c->scripts.empty()) {
      std::cerr << "sql_bench: no reference SQL under " << ReferenceDir() << "\n";
      std::exit(2);
    }
    return c;
  }();
  return *corpus;
}

void Run(benchmark::State& state, const std::vector<const std::vector<std::string>*>& sets) {
  size_t bytes = 0, statements = 0;
  for (auto _ : state) {
    bytes = statements = 0;
    for (const auto* set : sets) {
      for (const std::string& script : *set) {
        CheckResult r = Check(script);
        benchmark::DoNotOptimize(r.statements.data());
        bytes += script.size();
        statements += r.statements.size();
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["statements"] = static_cast<double>(statements);
  state.counters["per_statement"] =
      benchmark::Counter(static_cast<double>(statements) * state.iterations(),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The .q client scripts and the end-to-end scripts (Nexmark, TPC-H, CTAS, plans).
void BM_ReferenceScripts(benchmark::State& state) {
  Run(state, {&TheCorpus().scripts});
}
BENCHMARK(BM_ReferenceScripts)->Unit(benchmark::kMillisecond);

// The TPC-DS queries: long, join-heavy SELECTs.
void BM_TpcdsQueries(benchmark::State& state) {
  Run(state, {&TheCorpus().tpcds});
}
BENCHMARK(BM_TpcdsQueries)->Unit(benchmark::kMillisecond);

// Everything in the reference: scripts, TPC-DS, every parser case and client statement.
// Floor: under 100 ms a pass on one core.
void BM_WholeCorpus(benchmark::State& state) {
  Run(state, {&TheCorpus().scripts, &TheCorpus().tpcds, &TheCorpus().cases});
}
BENCHMARK(BM_WholeCorpus)->Unit(benchmark::kMillisecond);

// One 200-line script: DDL, SET and INSERTs with joins and windows, as users write them.
// Floor: under 1 ms.
std::string TwoHundredLines() {
  std::string s;
  int table = 0;
  while (std::count(s.begin(), s.end(), '\n') < 200) {
    std::string t = std::to_string(table++);
    s += "SET 'pipeline.name' = 'job " + t + "';\n";
    s += "CREATE TABLE src" + t +
         " (\n  id BIGINT,\n  name STRING,\n  price DECIMAL(10, 2),\n"
         "  ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n) WITH (\n"
         "  'connector' = 'kafka',\n  'topic' = 'in" +
         t + "',\n  'format' = 'json'\n);\n";
    s += "INSERT INTO sink" + t +
         "\nSELECT s.id, d.name, SUM(s.price) AS total, window_start\n"
         "FROM TABLE(TUMBLE(TABLE src" +
         t +
         ", DESCRIPTOR(ts), INTERVAL '1' MINUTE)) AS s\n"
         "JOIN dim FOR SYSTEM_TIME AS OF s.ts AS d ON s.id = d.id\n"
         "WHERE s.price > 10 AND d.name LIKE 'a%'\n"
         "GROUP BY s.id, d.name, window_start, window_end;\n";
  }
  return s;
}

void BM_TwoHundredLineScript(benchmark::State& state) {
  static const std::vector<std::string> script = {TwoHundredLines()};
  Run(state, {&script});
}
BENCHMARK(BM_TwoHundredLineScript)->Unit(benchmark::kMicrosecond);

// What POST /api/v1/sql/check computes for the 200-line script when the answer is not
// cached whole: before (Check, CheckJson, dump) and with sql::CheckCache, for a script
// whose statements are all new, for an editor's keystroke (one statement edited, the
// others as before) and for the script moved a line down (nothing to analyze).
std::vector<std::string> Pieces() {  // the script cut at each INSERT's filter value
  std::string s = TwoHundredLines();
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t hit; (hit = s.find("s.price > 10", at)) != std::string::npos; at = hit + 12) {
    out.push_back(s.substr(at, hit + 10 - at));
  }
  out.push_back(s.substr(at));
  return out;
}

std::string Assemble(const std::vector<std::string>& pieces, size_t edited, const std::string& v) {
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    out += pieces[i];
    if (i + 1 < pieces.size()) out += i == edited ? v : std::string("10");
  }
  return out;
}

void BM_CheckAnswerWhole(benchmark::State& state) {
  const std::string script = TwoHundredLines();
  for (auto _ : state) {
    std::string answer = sluice::sql::CheckJson(Check(script))
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    benchmark::DoNotOptimize(answer.data());
  }
}
BENCHMARK(BM_CheckAnswerWhole)->Unit(benchmark::kMicrosecond);

void BM_CheckAnswerAllNew(benchmark::State& state) {
  const std::vector<std::string> pieces = Pieces();
  sluice::sql::CheckCache cache(size_t{32} << 20);
  size_t n = 0;
  for (auto _ : state) {
    // Every statement new: each filter value and the first table names differ.
    std::string script = "SET 'x' = '" + std::to_string(++n) + "';\n";
    for (size_t i = 0; i < pieces.size(); ++i) {
      script += pieces[i];
      if (i + 1 < pieces.size()) script += std::to_string(n * 100 + i);
    }
    for (size_t at = 0; (at = script.find("src", at)) != std::string::npos; at += 3) {
      script.insert(at + 3, "_" + std::to_string(n) + "_");
    }
    std::string answer = cache.CheckJsonText(script, {});
    benchmark::DoNotOptimize(answer.data());
  }
}
BENCHMARK(BM_CheckAnswerAllNew)->Unit(benchmark::kMicrosecond);

void BM_CheckAnswerEditor(benchmark::State& state) {
  const std::vector<std::string> pieces = Pieces();
  sluice::sql::CheckCache cache(size_t{32} << 20);
  (void)cache.CheckJsonText(Assemble(pieces, pieces.size(), ""), {});
  size_t n = 0;
  for (auto _ : state) {
    std::string script = Assemble(pieces, n % (pieces.size() - 1), std::to_string(1000 + n));
    ++n;
    std::string answer = cache.CheckJsonText(script, {});
    benchmark::DoNotOptimize(answer.data());
  }
}
BENCHMARK(BM_CheckAnswerEditor)->Unit(benchmark::kMicrosecond);

void BM_CheckAnswerMoved(benchmark::State& state) {
  const std::string script = TwoHundredLines();
  sluice::sql::CheckCache cache(size_t{32} << 20);
  size_t n = 0;
  for (auto _ : state) {
    std::string answer = cache.CheckJsonText("-- " + std::to_string(++n) + "\n" + script, {});
    benchmark::DoNotOptimize(answer.data());
  }
}
BENCHMARK(BM_CheckAnswerMoved)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
