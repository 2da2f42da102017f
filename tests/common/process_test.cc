// common/process: real child processes (shell scripts in testdata/process), never a shell
// line. Timeouts and cancellation end the whole process group.
#include "common/process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/strings.h"
#include "support/test_env.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::map<std::string, std::string> kPathOnly = {{"PATH", "/usr/bin:/bin"}};

std::string Script(const std::string& name) {
  return (testing::SourceDir() / "tests/common/testdata/process" / name).string();
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<pid_t> Pids(const fs::path& file) {
  std::vector<pid_t> out;
  std::ifstream in(file);
  for (pid_t p; in >> p;)
    out.push_back(p);
  return out;
}

// Gone, or a zombie waiting for a parent that is not ours to reap.
bool Dead(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::string stat = ReadAll("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

bool EventuallyDead(const std::vector<pid_t>& pids) {
  for (int i = 0; i < 400; ++i) {
    if (std::all_of(pids.begin(), pids.end(), Dead)) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

TEST(ProcessTest, CapturesBothStreamsLinesAndTheExitStatus) {
  testing::TempDir tmp;
  ProcessOptions o;
  o.argv = {Script("output.sh")};
  o.env = kPathOnly;
  o.output_file = (tmp.path() / "client.log").string();
  std::mutex mu;
  std::vector<std::string> lines;
  o.on_line = [&](OutputStream s, std::string_view line) {
    std::lock_guard lock(mu);
    lines.push_back((s == OutputStream::kStdout ? "out: " : "err: ") + std::string(line));
  };
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->Describe(), "exited with status 3");
  EXPECT_EQ(r->out, "out 1\nout 2\nno newline");
  EXPECT_EQ(r->err, "err 1\nerr 2\n");
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"err: err 1", "err: err 2", "out: no newline",
                                             "out: out 1", "out: out 2"}));
  // The file has every byte of both streams.
  std::string log = ReadAll(o.output_file);
  for (const char* part : {"out 1\n", "out 2\n", "err 1\n", "err 2\n", "no newline"})
    EXPECT_NE(log.find(part), std::string::npos) << part << " missing from " << log;
  EXPECT_EQ(log.size(), r->out.size() + r->err.size());
}

TEST(ProcessTest, ArgvElementsArriveUnchanged) {
  // Each file of testdata/process/args is one argument: spaces, quotes, ';', $(), backticks,
  // newlines, globs, redirections. None may be split, expanded or executed.
  std::vector<std::string> args;
  std::vector<fs::path> files;
  for (const auto& e :
       fs::directory_iterator(testing::SourceDir() / "tests/common/testdata/process/args"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u);
  for (const auto& f : files)
    args.push_back(ReadAll(f));
  fs::remove("/tmp/sluice-pwned");
  ProcessOptions o;
  o.argv = {Script("print_args.sh")};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = kPathOnly;
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->exit_code, 0) << r->err;
  std::vector<std::string> seen;
  std::string current;
  for (char c : r->out) {
    if (c == '\0') {
      seen.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  ASSERT_EQ(seen.size(), args.size()) << r->out;
  for (size_t i = 0; i < args.size(); ++i)
    EXPECT_EQ(seen[i], args[i]) << files[i].filename();
  EXPECT_FALSE(fs::exists("/tmp/sluice-pwned"));
}

TEST(ProcessTest, TheEnvironmentIsExactlyTheOnePassed) {
  ::setenv("SLUICE_PROCESS_TEST_PARENT_ONLY", "leaked", 1);
  ProcessOptions o;
  o.argv = {"/usr/bin/env"};
  o.env = {{"HADOOP_CONF_DIR", "/etc/hadoop conf"}, {"ODD", "a=b;$(x)"}};
  auto r = RunProcess(o);
  ::unsetenv("SLUICE_PROCESS_TEST_PARENT_ONLY");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->out, "HADOOP_CONF_DIR=/etc/hadoop conf\nODD=a=b;$(x)\n");
}

TEST(ProcessTest, AHangIsKilledAtItsTimeoutWithItsWholeProcessGroup) {
  testing::TempDir tmp;
  fs::path pids_file = tmp.path() / "pids";
  ProcessOptions o;
  o.argv = {Script("hang_with_children.sh")};
  o.env = {{"PATH", "/usr/bin:/bin"}, {"PIDS_FILE", pids_file.string()}};
  o.timeout = seconds(2);
  o.kill_grace = milliseconds(500);
  auto p = Process::Start(o);
  ASSERT_TRUE(p.ok()) << p.error().message;
  pid_t leader = (*p)->pid();
  ProcessResult r = (*p)->Wait();
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.signal, SIGKILL);  // the leader ignores SIGTERM
  EXPECT_NE(r.Describe().find("timeout"), std::string::npos) << r.Describe();
  EXPECT_EQ(r.out, "ready\n");
  std::vector<pid_t> pids = Pids(pids_file);
  ASSERT_EQ(pids.size(), 2u);
  pids.push_back(leader);
  EXPECT_TRUE(EventuallyDead(pids));
}

TEST(ProcessTest, CancelEndsTheProcessGroup) {
  ProcessOptions o;
  o.argv = {Script("ready_then_wait.sh")};
  o.env = kPathOnly;
  o.kill_grace = milliseconds(500);
  std::stop_source stop;
  o.on_line = [&](OutputStream, std::string_view line) {
    if (line == "ready") stop.request_stop();
  };
  auto r = RunProcess(o, stop.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->cancelled);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_EQ(r->Describe(), "cancelled (SIGTERM)");
}

TEST(ProcessTest, ChildrenLeftBehindByAFinishedLeaderAreKilled) {
  testing::TempDir tmp;
  fs::path pids_file = tmp.path() / "pids";
  ProcessOptions o;
  o.argv = {Script("stray_child.sh")};
  o.env = {{"PATH", "/usr/bin:/bin"}, {"PIDS_FILE", pids_file.string()}};
  o.kill_grace = milliseconds(500);
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out, "leader done\n");
  std::vector<pid_t> pids = Pids(pids_file);
  ASSERT_EQ(pids.size(), 1u);
  EXPECT_TRUE(EventuallyDead(pids));
}

TEST(ProcessTest, LargeOutputIsBoundedInMemoryAndCompleteInTheFile) {
  testing::TempDir tmp;
  ProcessOptions o;
  o.argv = {Script("lots_of_output.sh")};
  o.env = kPathOnly;
  o.max_output_bytes = 64 << 10;
  o.output_file = (tmp.path() / "out.log").string();
  size_t line_count = 0;
  o.on_line = [&](OutputStream, std::string_view) { ++line_count; };
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(line_count, 60000u);
  EXPECT_GT(r->out_dropped, 0u);
  EXPECT_LT(r->out.size(), size_t{70 << 10});
  EXPECT_TRUE(r->out.starts_with("line 1\nline 2\n")) << r->out.substr(0, 40);
  EXPECT_TRUE(r->out.ends_with("line 59999\nline 60000\n"));
  EXPECT_NE(r->out.find("bytes dropped"), std::string::npos);
  std::string log = ReadAll(o.output_file);
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 60000);
  EXPECT_TRUE(log.ends_with("line 60000\n"));
}

TEST(ProcessTest, StartErrorsNameTheProgram) {
  ProcessOptions o;
  o.argv = {"/nonexistent/bin/flink", "run"};
  auto r = Process::Start(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("/nonexistent/bin/flink"), std::string::npos);

  EXPECT_EQ(Process::Start(ProcessOptions{}).error().code, ErrorCode::kInvalidArgument);

  testing::TempDir tmp;
  o.argv = {Script("output.sh")};
  o.output_file = (tmp.path() / "missing-dir" / "log").string();
  auto bad_log = Process::Start(o);
  ASSERT_FALSE(bad_log.ok());
  EXPECT_NE(bad_log.error().message.find("missing-dir"), std::string::npos);
}

TEST(ProcessTest, FindExecutableSearchesThePathGiven) {
  auto sh = FindExecutable("sh", "/nonexistent:/usr/bin:/bin");
  ASSERT_TRUE(sh.ok());
  EXPECT_TRUE(*sh == "/usr/bin/sh" || *sh == "/bin/sh") << *sh;
  EXPECT_EQ(FindExecutable("sh", "/nonexistent").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*FindExecutable(Script("output.sh"), ""), Script("output.sh"));
}

}  // namespace
}  // namespace sluice
