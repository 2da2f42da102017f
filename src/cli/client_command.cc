#include "cli/client_command.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace sluice::cli {

void AddClientFlags(CLI::App* cmd, ClientFlags& flags) {
  cmd->add_option("--server", flags.server,
                  "server URL [env SLUICE_SERVER; default: from sluice login]");
  cmd->add_option("-o,--output", flags.output, "table, json or yaml")->capture_default_str();
}

void RunClient(Context& ctx, const ClientFlags& flags,
               const std::function<Status(ApiClient&, OutputFormat)>& body) {
  auto format = ParseOutputFormat(flags.output);
  if (!format.ok()) {
    std::cerr << "sluice: " << std::move(format).error().At("--output").ToString() << "\n";
    ctx.exit_code = 2;
    return;
  }
  auto client = ApiClient::FromConfig(flags.server);
  if (!client.ok()) {
    std::cerr << "sluice: " << client.error().ToString() << "\n";
    ctx.exit_code = 2;
    return;
  }
  Status st = body(*client, *format);
  if (st.ok()) return;
  std::cerr << "sluice: " << st.error().ToString() << "\n";
  ErrorCode code = st.error().code;
  bool local = code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout ||
               code == ErrorCode::kInternal;
  ctx.exit_code = local ? 2 : 1;
}

Result<std::string> Prompt(const std::string& question, bool secret) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return FailedPrecondition("no terminal to ask for the " + question)
        .Hint(secret ? "pass it on standard input with --password-stdin" : "pass it as a flag");
  }
  std::string q = question + ": ";
  (void)!::write(fd, q.data(), q.size());
  termios saved{};
  bool restore = false;
  if (secret && ::tcgetattr(fd, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n')
    line += c;
  if (restore) {
    ::tcsetattr(fd, TCSAFLUSH, &saved);
    (void)!::write(fd, "\n", 1);
  }
  ::close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> ReadStdinLine(const std::string& what) {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return InvalidArgument("expected the " + what + " on standard input")
        .Hint("echo ... | sluice ...");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace sluice::cli
