// `nextra run`: loads a flow, starts its pump, injects one message (or N with --repeat) and
// prints what happened. Output formats are a contract (issue #2): --json prints one object
// per delivered message and a final result line.

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/handler_kinds.h"
#include "cli/commands.h"
#include "flow/loader.h"
#include "pump/pump.h"
#include "xml/payload_codec.h"

namespace nextra::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RunArgs {
  std::string file;
  std::string to;
  std::string payload;
  std::string inject_file;
  double timeout_seconds = 30;
  bool json = false;
  long repeat = 0;  // 0 = a single run with a trace
  int workers = 0;
};

int usage(const std::string& problem) {
  std::fprintf(stderr, "nextra run: %s\nusage: nextra run FLOW.yaml (--to LISTENER --payload XML | --inject FILE.xml) "
                       "[--timeout SECONDS] [--json] [--repeat N] [--workers N]\n", problem.c_str());
  return kExitBadInput;
}

template <typename T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::optional<int> parse_args(const std::vector<std::string>& args, RunArgs& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](std::string& dst) -> bool {
      if (i + 1 >= args.size()) return false;
      dst = args[++i];
      return true;
    };
    std::string v;
    if (a == "--json") out.json = true;
    else if (a == "--to") { if (!value(out.to)) return usage("--to needs a listener name"); }
    else if (a == "--payload") { if (!value(out.payload)) return usage("--payload needs XML"); }
    else if (a == "--inject") { if (!value(out.inject_file)) return usage("--inject needs a file"); }
    else if (a == "--timeout") {
      if (!value(v) || !parse_number(v, out.timeout_seconds) || out.timeout_seconds <= 0 || out.timeout_seconds > 86400)
        return usage("--timeout needs a number of seconds between 0 and 86400");
    } else if (a == "--repeat") {
      if (!value(v) || !parse_number(v, out.repeat) || out.repeat < 1 || out.repeat > 100000000)
        return usage("--repeat needs a count from 1 to 100000000");
    } else if (a == "--workers") {
      if (!value(v) || !parse_number(v, out.workers) || out.workers < 1 || out.workers > 256)
        return usage("--workers needs a count from 1 to 256");
    } else if (!a.empty() && a[0] == '-') {
      return usage("unknown option '" + a + "'");
    } else if (out.file.empty()) {
      out.file = a;
    } else {
      return usage("unexpected argument '" + a + "'");
    }
  }
  if (out.file.empty()) return usage("missing FLOW.yaml");
  const bool by_payload = !out.to.empty() || !out.payload.empty();
  if (by_payload == !out.inject_file.empty()) return usage("give either --to and --payload, or --inject");
  if (by_payload && (out.to.empty() || out.payload.empty())) return usage("--to and --payload go together");
  return std::nullopt;
}

// Prints delivered messages as they happen (single runs only).
class TraceObserver final : public pump::Observer {
 public:
  explicit TraceObserver(bool json) : json_(json) {}

  void on_delivered(const pump::Execution& exec, const pump::Message& m, bool unhandled) override {
    if (exec.system) return;
    std::string xml = xml::payload_to_xml(*m.payload);
    std::lock_guard lock(mu_);
    long seq = ++seq_;
    if (json_) {
      nlohmann::json line = {{"seq", seq}, {"thread", m.thread}, {"from", m.from}, {"to", m.to},
                             {"payloadType", m.payload->class_name()}, {"payload", xml}};
      std::printf("%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%4ld  %-14s -> %-14s %-18s %s%s\n", seq, m.from.c_str(), m.to.c_str(), m.payload->class_name().c_str(),
                  xml.c_str(), unhandled ? "   (unhandled: the execution fails)" : "");
    }
  }

 private:
  bool json_;
  std::mutex mu_;
  long seq_ = 0;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int run_command(const std::vector<std::string>& argv) {
  RunArgs args;
  if (auto bad = parse_args(argv, args)) return *bad;

  auto loaded = flow::load_organism_file(args.file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", flow::format_diagnostic(args.file, d).c_str());
    return kExitBadInput;
  }
  auto spec = std::make_shared<const flow::OrganismSpec>(std::move(*loaded.organism));
  pump::PumpOptions options;
  options.workers = args.workers;
  // The kinds that reach the outside world (llm agents, http, tool:fetch), through the same
  // SSRF-safe client as the server (NEXTRA_OUTBOUND_ALLOWLIST); no store, so no WASM modules.
  std::vector<std::shared_ptr<pump::Observer>> handler_observers;
  auto outbound = app::make_outbound_client(app::outbound_allowlist_from_env());
  if (!outbound.ok()) {
    std::fprintf(stderr, "nextra run: NEXTRA_OUTBOUND_ALLOWLIST: %s\n", outbound.error().message.c_str());
    return kExitBadInput;
  }
  runtime::FlowContext ctx{"", "", spec.get(), &handler_observers, {}};
  options.handler_factories = app::make_handler_kinds(app::OutsideWorld{nullptr, *outbound, {}})(ctx);
  flow::Diagnostics diags;
  auto created = pump::Pump::create(spec, options, nullptr, &diags);
  for (const auto& d : diags) std::fprintf(stderr, "%s\n", flow::format_diagnostic(args.file, d).c_str());
  if (!created.ok()) return kExitBadInput;
  auto& pump = **created;
  for (const auto& o : handler_observers) pump.add_observer(o.get());

  schema::PayloadPtr payload;
  std::string envelope;
  if (!args.inject_file.empty()) {
    auto bytes = read_file(args.inject_file);
    if (!bytes) {
      std::fprintf(stderr, "nextra run: cannot read %s\n", args.inject_file.c_str());
      return kExitBadInput;
    }
    envelope = std::move(*bytes);
  } else {
    auto parsed = xml::parse_payload(args.payload, pump.schema());
    if (!parsed.ok()) {
      const auto& e = parsed.error();
      std::fprintf(stderr, "--payload:%d:%d: %s\n", e.line ? e.line : 1, e.column ? e.column : 1, e.message.c_str());
      return kExitBadInput;
    }
    payload = std::move(parsed).value();
  }

  TraceObserver trace(args.json);
  const bool tracing = args.repeat == 0;
  if (tracing) pump.add_observer(&trace);
  if (auto st = pump.start(); !st.ok()) {
    std::fprintf(stderr, "nextra run: %s\n", st.error().message.c_str());
    return kExitBadInput;
  }

  const long count = tracing ? 1 : args.repeat;
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(args.timeout_seconds * 1000));
  std::atomic<long> done{0};
  std::atomic<long> failed{0}, timed_out{0};
  std::atomic<std::size_t> total_messages{0};
  std::mutex first_mu;
  std::optional<pump::ExecutionResult> first_failure;
  std::mutex all_done_mu;
  std::condition_variable all_done;
  std::vector<std::shared_ptr<pump::Execution>> kept;  // only the first, for its output

  const auto started = Clock::now();
  const auto deadline = started + timeout;
  for (long i = 0; i < count; ++i) {
    pump::InjectOptions o;
    o.timeout = timeout;
    o.on_complete = [&](const pump::ExecutionResult& r) {
      total_messages += r.messages;
      if (r.status == pump::ExecutionStatus::Timeout) ++timed_out;
      else if (r.status != pump::ExecutionStatus::Success) ++failed;
      if (r.status != pump::ExecutionStatus::Success) {
        std::lock_guard l(first_mu);
        if (!first_failure) first_failure = r;
      }
      if (++done == count) {
        std::lock_guard l(all_done_mu);
        all_done.notify_all();
      }
    };
    auto exec = envelope.empty() ? pump.inject(args.to, payload, std::move(o)) : pump.inject_envelope(envelope, std::move(o));
    if (!exec.ok()) {
      std::fprintf(stderr, "nextra run: %s\n", exec.error().message.c_str());
      pump.shutdown();
      return kExitBadInput;
    }
    if (i == 0) kept.push_back(*exec);
  }
  {
    std::unique_lock l(all_done_mu);
    all_done.wait_until(l, deadline + std::chrono::milliseconds(500), [&] { return done.load() == count; });
  }
  const auto elapsed = Clock::now() - started;
  auto first = kept.front()->snapshot();
  pump.shutdown();

  std::string status = "success";
  if (done.load() < count || timed_out.load() > 0) status = "timeout";
  else if (failed.load() > 0) status = "error";
  std::string error;
  if (first_failure) {
    error = first_failure->error;
  } else if (status == "timeout") {
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %g s", args.timeout_seconds);
    error = buf;
  }

  const double elapsed_ms = std::chrono::duration<double, std::milli>(elapsed).count();
  nlohmann::json result;
  result["status"] = status;
  result["output"] = first.output ? nlohmann::json(xml::payload_to_xml(*first.output)) : nlohmann::json(nullptr);
  result["error"] = error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error);
  result["messages"] = tracing ? first.messages : total_messages.load();
  result["elapsedMs"] = static_cast<long long>(elapsed_ms + 0.5);
  if (!tracing) {
    result["threads"] = count;
    const double mps = elapsed_ms > 0 ? static_cast<double>(total_messages.load()) / (elapsed_ms / 1000.0) : 0.0;
    result["messagesPerSecond"] = static_cast<long long>(mps);
  }
  if (args.json || !tracing) {
    std::printf("%s\n", result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("\n%s in %.3f ms, %zu messages\n", status.c_str(), elapsed_ms, first.messages);
    if (first.output) std::printf("output: %s\n", xml::payload_to_xml(*first.output).c_str());
    if (!error.empty()) std::printf("error: %s\n", error.c_str());
  }
  return status == "success" ? kExitOk : kExitFailed;
}

}  // namespace nextra::cli
