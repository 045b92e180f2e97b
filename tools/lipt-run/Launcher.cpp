//===- Launcher.cpp - lipt-run --nproc: local data-parallel workers -------===//

#include "Launcher.h"

#include "RunFunction.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lipt_run {
namespace {

/// How long the other workers get, after one failed, to notice and exit
/// on their own before they are killed.
constexpr std::chrono::seconds kGracePeriod{20};

volatile sig_atomic_t forwardedSignal = 0;
extern "C" void rememberSignal(int sig) { forwardedSignal = sig; }

/// argv without --nproc and its value (--nproc N, --nproc=N, one dash or
/// two, as parseCommandLine reads them), then --cpu-threads: the caller's
/// choice or the worker's share, and the last --cpu-threads wins.
std::vector<std::string> workerArguments(int argc, char **argv,
                                         int threadsPerWorker) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-') {
      std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
      if (body == "nproc") {
        ++i; // and its value
        continue;
      }
      if (body.rfind("nproc=", 0) == 0)
        continue;
    }
    out.push_back(arg);
  }
  out.push_back("--cpu-threads=" + std::to_string(threadsPerWorker));
  return out;
}

/// A TCP port on 127.0.0.1 that nothing listens on now.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

/// Forks worker `rank` running `args`; its pid, or -1.
pid_t startWorker(int rank, int nproc, int port, int threads,
                  const std::vector<std::string> &args) {
  pid_t pid = ::fork();
  if (pid != 0)
    return pid;
  auto set = [](const char *name, const std::string &value) {
    ::setenv(name, value.c_str(), 1);
  };
  set("RANK", std::to_string(rank));
  set("LOCAL_RANK", std::to_string(rank));
  set("WORLD_SIZE", std::to_string(nproc));
  set("LOCAL_WORLD_SIZE", std::to_string(nproc));
  set("MASTER_ADDR", "127.0.0.1");
  set("MASTER_PORT", std::to_string(port));
  // OpenBLAS sizes its thread pool when it loads: one per worker's share
  // of the cores, or N workers oversubscribe them.
  ::setenv("OPENBLAS_NUM_THREADS", std::to_string(threads).c_str(), 0);
  ::setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 0);
  std::vector<char *> argv{const_cast<char *>("lipt-run")};
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  std::fprintf(stderr, "lipt-run: worker %d: cannot start (%s)\n", rank,
               std::strerror(errno));
  ::_exit(127);
}

std::string describeExit(int status) {
  if (WIFSIGNALED(status))
    return std::string("was killed by signal ") +
           std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

int exitCodeOf(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

} // namespace

int launchWorkers(int argc, char **argv, int nproc, int threadsPerWorker) {
  int port = 0;
  if (const char *given = std::getenv("MASTER_PORT"); given && *given)
    port = std::atoi(given);
  else if ((port = freePort()) < 0)
    return fail("--nproc: cannot find a free TCP port on 127.0.0.1 for the "
                "rendezvous (set MASTER_PORT)");
  std::vector<std::string> args = workerArguments(argc, argv, threadsPerWorker);

  // The terminal's Ctrl-C reaches the workers directly (one process
  // group); a signal sent to the launcher alone is passed on to them.
  std::signal(SIGINT, rememberSignal);
  std::signal(SIGTERM, rememberSignal);
  std::vector<pid_t> pids(size_t(nproc), -1);
  for (int r = 0; r < nproc; ++r)
    if ((pids[size_t(r)] =
             startWorker(r, nproc, port, threadsPerWorker, args)) < 0) {
      for (pid_t p : pids)
        if (p > 0)
          ::kill(p, SIGKILL);
      return fail("--nproc: cannot fork worker " + std::to_string(r) + " (" +
                  std::strerror(errno) + ")");
    }
  std::fprintf(stderr,
               "lipt-run: started %d workers (rendezvous 127.0.0.1:%d, %d "
               "threads each)\n",
               nproc, port, threadsPerWorker);

  int running = nproc, firstFailure = 0, code = 0;
  bool anyInterrupted = false;
  auto killDeadline = std::chrono::steady_clock::time_point::max();
  while (running > 0) {
    if (int sig = forwardedSignal) {
      forwardedSignal = 0;
      for (pid_t p : pids)
        if (p > 0)
          ::kill(p, sig);
    }
    int status = 0;
    pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      if (std::chrono::steady_clock::now() > killDeadline) {
        for (pid_t p : pids)
          if (p > 0)
            ::kill(p, SIGKILL);
        killDeadline = std::chrono::steady_clock::time_point::max();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    int rank = 0;
    for (; rank < nproc && pids[size_t(rank)] != done; ++rank) {
    }
    if (rank == nproc)
      continue;
    pids[size_t(rank)] = -1;
    --running;
    int c = exitCodeOf(status);
    if (c == 130 && WIFEXITED(status)) {
      anyInterrupted = true;
      continue;
    }
    if (c == 0)
      continue;
    std::fprintf(stderr, "lipt-run: worker %d (pid %d) %s%s\n", rank, int(done),
                 describeExit(status).c_str(),
                 firstFailure ? "" : "; stopping the other workers");
    if (firstFailure)
      continue;
    firstFailure = rank + 1;
    code = c;
    for (pid_t p : pids)
      if (p > 0) {
        ::kill(p, SIGTERM);
        ::kill(p, SIGCONT); // a stopped worker acts on it too
      }
    killDeadline = std::chrono::steady_clock::now() + kGracePeriod;
  }
  if (firstFailure)
    return code == 0 ? 1 : code;
  return anyInterrupted ? 130 : 0;
}

} // namespace lipt_run
