#include "pump/pump.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "pump/pump_test_support.h"

namespace nextra::pump {
namespace {

using namespace nextra::pump::testing;

constexpr const char* kHello = R"(
organism: { name: hello }
payloads:
  Greeting: { name: string }
  GreetingResponse: { message: string, original_sender: string }
  Shouted: { text: string }
listeners:
  - name: greeter
    payload_class: Greeting
    handler: transform
    description: Greets
    peers: [shouter]
    transform:
      payload: GreetingResponse
      fields: { message: "Hello, {{name}}!", original_sender: "{{_from}}" }
  - name: shouter
    payload_class: GreetingResponse
    handler: transform
    description: Shouts
    peers: [done]
    transform:
      payload: Shouted
      fields: { text: "{{message | upper}}" }
  - name: done
    payload_class: Shouted
    handler: output
    description: The result
)";

// Records every delivery for assertions.
class Recorder final : public Observer {
 public:
  void on_delivered(const Execution& e, const Message& m, bool unhandled) override {
    std::lock_guard l(mu);
    deliveries.push_back({e.system, m.from, m.to, m.payload->class_name(), m.thread, unhandled});
  }
  void on_thread_completed(const Execution&, const std::string&) override { ++threads_completed; }
  struct D {
    bool system;
    std::string from, to, type, thread;
    bool unhandled;
  };
  std::mutex mu;
  std::vector<D> deliveries;
  std::atomic<int> threads_completed{0};
};

TEST(Pump, HelloChainProducesUpperCaseOutput) {
  auto pump = make_pump(kHello);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "greeter", "<Greeting><Name>Ada</Name></Greeting>");
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Shouted><Text>HELLO, ADA!</Text></Shouted>");
  EXPECT_EQ(r.messages, 3u);
}

TEST(Pump, BootIsDeliveredFirstAndSystemListenersAreRegistered) {
  auto spec = load_spec(kHello);
  auto p = Pump::create(spec, {}, nullptr, nullptr);
  ASSERT_TRUE(p.ok());
  Recorder rec;
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  (*p)->shutdown();
  ASSERT_FALSE(rec.deliveries.empty());
  EXPECT_EQ(rec.deliveries[0].to, "system.boot");
  EXPECT_EQ(rec.deliveries[0].type, "Boot");
  EXPECT_TRUE(rec.deliveries[0].system);
  std::set<std::string> names;
  for (auto* l : (*p)->listeners()) names.insert(l->name);
  EXPECT_EQ(names, (std::set<std::string>{"system.boot", "system.sequence", "system.buffer", "greeter", "shouter", "done"}));
}

TEST(Pump, HandlersSeeTypedPayloadAndSenderIsTheHandler) {
  auto pump = make_pump(kHello);
  Recorder rec;
  // Observers must be added before start: build a second pump for this.
  auto spec = load_spec(kHello);
  auto p = Pump::create(spec, {}, nullptr, nullptr);
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  auto r = run(**p, "greeter", "<Greeting><Name>Bo</Name></Greeting>");
  ASSERT_EQ(r.status, ExecutionStatus::Success);
  (*p)->shutdown();
  std::vector<Recorder::D> user;
  for (auto& d : rec.deliveries) {
    if (!d.system) user.push_back(d);
  }
  ASSERT_EQ(user.size(), 3u);
  EXPECT_EQ(user[0].from, "external");
  EXPECT_EQ(user[1].from, "greeter");
  EXPECT_EQ(user[1].to, "shouter");
  EXPECT_EQ(user[2].from, "shouter");
  EXPECT_NE(user[0].thread, user[1].thread);  // each hop extends the chain: a new thread id
}

TEST(Pump, EveryInjectionIsANewThread) {
  auto pump = make_pump(kHello);
  std::set<std::string> threads;
  for (int i = 0; i < 3; ++i) {
    auto r = run(*pump, "greeter", "<Greeting><Name>X</Name></Greeting>");
    EXPECT_EQ(r.status, ExecutionStatus::Success);
    threads.insert(r.thread);
  }
  EXPECT_EQ(threads.size(), 3u);
}

TEST(Pump, InjectRejectsUnknownTargetAndWrongClass) {
  auto pump = make_pump(kHello);
  auto p = payload(*pump, "<Greeting><Name>X</Name></Greeting>");
  auto r = pump->inject("nobody", p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
  auto r2 = pump->inject("shouter", p);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("accepts GreetingResponse"), std::string::npos);
  // Names match without case, like the library's routing keys.
  EXPECT_TRUE(pump->inject("GREETER", p).ok());
}

constexpr const char* kPeerViolation = R"(
payloads:
  Msg: { text: string }
listeners:
  - name: agent
    payload_class: Msg
    handler: transform
    description: Tries to reach a listener outside its peers
    agent: true
    peers: [logger]
    transform: { to: secret, payload: Msg, fields: { text: "{{text}}" } }
  - { name: logger, payload_class: Msg, handler: output, description: Allowed }
  - { name: secret, payload_class: Msg, handler: output, description: Not allowed }
)";

TEST(Pump, PeerViolationBecomesSystemErrorToTheSenderAndFailsTheExecution) {
  auto spec = load_spec(kPeerViolation);
  auto p = Pump::create(spec, {}, nullptr, nullptr);
  ASSERT_TRUE(p.ok());
  Recorder rec;
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  auto r = run(**p, "agent", "<Msg><Text>x</Text></Msg>");
  (*p)->shutdown();
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("peer violation"), std::string::npos) << r.error;
  bool secret_ran = false, error_recorded = false;
  for (auto& d : rec.deliveries) {
    if (d.to == "secret") secret_ran = true;
    if (d.type == "SystemError" && d.to == "agent" && d.from == "system" && d.unhandled) error_recorded = true;
  }
  EXPECT_FALSE(secret_ran);
  EXPECT_TRUE(error_recorded);
}

constexpr const char* kTables = R"(
payloads:
  Msg: { text: string }
listeners:
  - name: researcher
    payload_class: Msg
    handler: transform
    description: Forwards to search
    agent: true
    peers: [calc, search]
    transform: { to: search, payload: Msg }
  - { name: calc, payload_class: Msg, handler: output, description: Calc }
  - { name: search, payload_class: Msg, handler: output, description: Search }
peer_tables:
  - { name: admin, entries: [ { listener: researcher, peers: [calc, search] } ] }
  - { name: viewer, parent: admin, entries: [ { listener: researcher, peers: [calc] } ] }
)";

TEST(Pump, PeerTableNarrowsPeersForItsExecutions) {
  auto pump = make_pump(kTables);
  ASSERT_TRUE(pump);
  EXPECT_EQ(run(*pump, "researcher", "<Msg><Text>q</Text></Msg>").status, ExecutionStatus::Success);
  InjectOptions admin;
  admin.peer_table = "admin";
  EXPECT_EQ(run(*pump, "researcher", "<Msg><Text>q</Text></Msg>", admin).status, ExecutionStatus::Success);
  InjectOptions viewer;
  viewer.peer_table = "viewer";
  auto r = run(*pump, "researcher", "<Msg><Text>q</Text></Msg>", viewer);
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("peer violation"), std::string::npos);
}

TEST(Pump, PeerTableCeilingGrantAndRevoke) {
  auto pump = make_pump(kTables);
  // A child table cannot exceed its parent; a new table cannot exceed the YAML peers.
  auto st = pump->register_peer_table("wide", {{"researcher", {"calc", "search", "done"}}});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("exceeds its ceiling"), std::string::npos);
  EXPECT_EQ(pump->register_peer_table("admin", {}).error().code, ErrorCode::AlreadyExists);
  EXPECT_EQ(pump->register_peer_table("x", {}, "missing").error().code, ErrorCode::NotFound);
  // Grants are bounded by the ceiling: 'viewer' may regain 'search' (its parent allows it)...
  auto regained = pump->modify_peer_table("viewer", "researcher", {"search"}, {});
  ASSERT_TRUE(regained.ok());
  EXPECT_EQ(*regained, (std::vector<std::string>{"calc", "search"}));
  // ...but nothing beyond it.
  EXPECT_EQ(pump->modify_peer_table("viewer", "researcher", {"finish"}, {}).error().code, ErrorCode::PermissionDenied);
  auto granted = pump->modify_peer_table("admin", "researcher", {}, {"search"});
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(*granted, (std::vector<std::string>{"calc"}));
  // ...and revocations apply from the next dispatch.
  InjectOptions admin;
  admin.peer_table = "admin";
  EXPECT_EQ(run(*pump, "researcher", "<Msg><Text>q</Text></Msg>", admin).status, ExecutionStatus::Error);
  EXPECT_TRUE(pump->modify_peer_table("admin", "researcher", {"search"}, {}).ok());
  EXPECT_EQ(run(*pump, "researcher", "<Msg><Text>q</Text></Msg>", admin).status, ExecutionStatus::Success);
}

constexpr const char* kLoop = R"(
payloads:
  Count: { n: int, limit: int }
  Done: { total: int }
listeners:
  - name: counter
    payload_class: Count
    handler: branch
    description: Calls itself until n reaches limit
    peers: [counter, finish]
    branch:
      rules:
        - field: n
          lt: "{{limit}}"
          to: counter
          transform: { payload: Count, fields: { n: "{{n | add:1}}" } }
      default:
        to: finish
        transform: { payload: Done, fields: { total: "{{n}}" } }
  - { name: finish, payload_class: Done, handler: output, description: Result }
)";

TEST(Pump, SelfIterationLoopsUntilTheCounterReachesTheLimit) {
  auto pump = make_pump(kLoop);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "counter", "<Count><N>0</N><Limit>5</Limit></Count>");
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Done><Total>5</Total></Done>");
  EXPECT_EQ(r.messages, 7u);  // counter x6 (n = 0..5) + finish
}

// A synchronous caller (a webhook waiting for its answer) runs a short chain itself: the
// execution has ended, on the caller's thread, when inject returns.
TEST(Pump, RunHereRunsAShortChainOnTheCallersThread) {
  auto pump = make_pump(kHello);
  ASSERT_TRUE(pump);
  std::thread::id completed_on;
  InjectOptions o;
  o.run_here = true;
  o.on_complete = [&](const ExecutionResult&) { completed_on = std::this_thread::get_id(); };
  auto exec = pump->inject("greeter", payload(*pump, "<Greeting><Name>Ada</Name></Greeting>"), o);
  ASSERT_TRUE(exec.ok()) << exec.error().message;
  ASSERT_TRUE((*exec)->finished.load());
  EXPECT_EQ(completed_on, std::this_thread::get_id());
  auto r = (*exec)->wait();
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Shouted><Text>HELLO, ADA!</Text></Shouted>");
  EXPECT_EQ(r.messages, 3u);
}

// The caller's thread runs at most kInlineMessages messages: a long loop goes on on the
// workers and still ends with the same result.
TEST(Pump, RunHereHandsALongLoopToTheWorkers) {
  auto pump = make_pump(std::string(kLoop) + "limits: { max_depth: 1000 }\n");
  ASSERT_TRUE(pump);
  std::mutex mu;
  std::thread::id completed_on;
  InjectOptions o;
  o.run_here = true;
  o.timeout = std::chrono::seconds(10);
  o.on_complete = [&](const ExecutionResult&) {
    std::lock_guard l(mu);
    completed_on = std::this_thread::get_id();
  };
  const int limit = kInlineMessages * 3;
  auto exec = pump->inject(
      "counter", payload(*pump, "<Count><N>0</N><Limit>" + std::to_string(limit) + "</Limit></Count>"), o);
  ASSERT_TRUE(exec.ok()) << exec.error().message;
  auto r = (*exec)->wait();
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_EQ(output_xml(r), "<Done><Total>" + std::to_string(limit) + "</Total></Done>");
  EXPECT_EQ(r.messages, static_cast<std::size_t>(limit + 2));
  std::lock_guard l(mu);
  EXPECT_NE(completed_on, std::this_thread::get_id());
}

// Handlers that are not cheap and bounded (an asynchronous one here) never run on the
// caller's thread: the injection is queued for the workers as usual.
TEST(Pump, RunHereLeavesHandlersThatDoNotRunInlineToTheWorkers) {
  std::thread::id handled_on;
  struct Slow final : Handler {
    std::thread::id* seen;
    explicit Slow(std::thread::id* s) : seen(s) {}
    HandlerOutcome handle(const HandlerContext& ctx) override {
      *seen = std::this_thread::get_id();
      HandlerOutcome o;
      o.output = ctx.message.payload;
      return o;
    }
  };
  PumpOptions options;
  options.handler_factories["output"] = [&](const flow::ListenerSpec&, const schema::Schema&) {
    return Result<std::unique_ptr<Handler>>(std::unique_ptr<Handler>(std::make_unique<Slow>(&handled_on)));
  };
  auto pump = make_pump(kHello, options);
  ASSERT_TRUE(pump);
  InjectOptions o;
  o.run_here = true;
  auto r = run(*pump, "greeter", "<Greeting><Name>Ada</Name></Greeting>", o);
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  EXPECT_NE(handled_on, std::this_thread::get_id());
  EXPECT_NE(handled_on, std::thread::id());
}

TEST(Pump, DepthCapStopsARunawayLoopWithAnError) {
  auto pump = make_pump(kLoop);
  auto r = run(*pump, "counter", "<Count><N>0</N><Limit>1000</Limit></Count>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("depth"), std::string::npos) << r.error;
  EXPECT_EQ(r.messages, 51u);  // depths 0..50 delivered; the 51st hop is refused
}

constexpr const char* kCalc = R"(
listeners:
  - { name: calc, payload_class: Calculate, handler: "tool:calculate", description: Calculator }
  - name: ask
    payload_class: Calculate
    handler: transform
    description: Asks the calculator, then outputs
    peers: [calc]
    transform: { to: calc, payload: Calculate }
  - name: caller
    payload_class: CalculateResult
    handler: output
    description: unused
)";

TEST(Pump, CalculateToolAnswersItsCaller) {
  auto pump = make_pump(kCalc);
  ASSERT_TRUE(pump);
  // Injected directly, the tool's response goes back to the injector: the thread completes.
  auto r = run(*pump, "calc", "<Calculate><Expression>2+3</Expression></Calculate>");
  EXPECT_EQ(r.status, ExecutionStatus::Success);
  EXPECT_EQ(r.messages, 1u);
}

// A handler whose completion the test controls: the seam the LLM and HTTP kinds plug into.
class ManualAsync final : public Handler {
 public:
  explicit ManualAsync(int delay_ms, bool handles_errors = false) : delay_ms_(delay_ms), handles_errors_(handles_errors) {}
  bool is_async() const override { return true; }
  bool handles_errors() const override { return handles_errors_; }
  HandlerOutcome handle(const HandlerContext&) override { return {}; }
  void handle_async(const HandlerContext& ctx, std::function<void(HandlerOutcome)> done) override {
    auto payload = ctx.message.payload;
    std::thread([done, payload, d = delay_ms_] {
      std::this_thread::sleep_for(std::chrono::milliseconds(d));
      HandlerOutcome o;
      o.output = payload;
      done(o);
    }).detach();
  }

 private:
  int delay_ms_;
  bool handles_errors_;
};

constexpr const char* kSlow = R"(
payloads:
  Msg: { text: string }
listeners:
  - { name: slow, payload_class: Msg, handler: llm, description: Slow, timeout_seconds: 0.05 }
  - { name: fast, payload_class: Msg, handler: output, description: Fast }
)";

TEST(Pump, AsyncHandlerTimeoutFailsItsExecutionAndThePumpKeepsServing) {
  PumpOptions o;
  o.handler_factories["llm"] = [](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<ManualAsync>(400));
  };
  auto pump = make_pump(kSlow, o);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "slow", "<Msg><Text>x</Text></Msg>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_EQ(run(*pump, "fast", "<Msg><Text>y</Text></Msg>").status, ExecutionStatus::Success);
}

TEST(Pump, CancelEndsARunningExecutionAndThePumpKeepsServing) {
  PumpOptions o;
  o.handler_factories["llm"] = [](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<ManualAsync>(400));
  };
  auto pump = make_pump(std::string(kSlow).replace(std::string(kSlow).find("0.05"), 4, "30"), o);
  ASSERT_TRUE(pump);
  auto exec = pump->inject("slow", payload(*pump, "<Msg><Text>x</Text></Msg>"));
  ASSERT_TRUE(exec.ok());
  EXPECT_TRUE(pump->cancel(*exec));
  auto r = (*exec)->wait();
  EXPECT_EQ(r.status, ExecutionStatus::Cancelled);
  EXPECT_FALSE(pump->cancel(*exec));  // already ended
  EXPECT_EQ(run(*pump, "fast", "<Msg><Text>y</Text></Msg>").status, ExecutionStatus::Success);
}

// Two deliveries of one fan-out meet at a latch: they can only both pass if they run at the
// same time. No timing is asserted; a sequential pump would fail the latch wait instead.
class Rendezvous final : public Handler {
 public:
  Rendezvous(std::mutex& mu, std::condition_variable& cv, int& arrived) : mu_(mu), cv_(cv), arrived_(arrived) {}
  HandlerOutcome handle(const HandlerContext& ctx) override {
    std::unique_lock l(mu_);
    ++arrived_;
    cv_.notify_all();
    HandlerOutcome o;
    if (!cv_.wait_for(l, std::chrono::seconds(5), [&] { return arrived_ >= 2; })) {
      o.error = Error::invalid("the other delivery never ran concurrently");
      return o;
    }
    (void)ctx;
    return o;  // nothing more: this thread is complete
  }

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  int& arrived_;
};

constexpr const char* kBroadcast = R"(
payloads:
  Msg: { text: string }
listeners:
  - name: source
    payload_class: Msg
    handler: transform
    description: Sends to a broadcast group
    peers: [left]
    transform: { to: left, payload: Msg }
  - { name: left, payload_class: Msg, handler: memory, description: Left, broadcast: true }
  - { name: right, payload_class: Msg, handler: memory, description: Right, broadcast: true }
)";

TEST(Pump, BroadcastListenersAllReceiveAndRunConcurrently) {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  PumpOptions o;
  o.workers = 2;
  o.handler_factories["memory"] = [&](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<Rendezvous>(mu, cv, arrived));
  };
  auto spec = load_spec(kBroadcast);
  auto p = Pump::create(spec, o, nullptr, nullptr);
  ASSERT_TRUE(p.ok());
  Recorder rec;
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  auto r = run(**p, "source", "<Msg><Text>x</Text></Msg>");
  (*p)->shutdown();
  EXPECT_EQ(r.status, ExecutionStatus::Success) << r.error;
  std::set<std::string> got;
  for (auto& d : rec.deliveries) got.insert(d.to);
  EXPECT_TRUE(got.count("left") && got.count("right"));
  EXPECT_EQ(arrived, 2);
}

constexpr const char* kFanOut = R"(
payloads:
  Words: { text: string }
  Word: { text: string }
  Upper: { text: string }
listeners:
  - name: splitter
    payload_class: Words
    handler: transform
    description: One BufferStart with an item per word
    peers: [system.buffer, worker, report]
    transform:
      to: system.buffer
      payload: BufferStart
      fields:
        target: worker
        items: "{{ text | split:\" \" | xml_each:\"Word\":\"text\" }}"
        collect: "true"
        return_to: report
  - name: worker
    payload_class: Word
    handler: transform
    description: Upper-cases one word and answers
    transform: { respond: true, payload: Word, fields: { text: "{{text | upper}}" } }
  - { name: report, payload_class: BufferComplete, handler: output, description: All results }
)";

TEST(Pump, BufferFansOutAndCollectsResultsByIndex) {
  auto pump = make_pump(kFanOut);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "splitter", "<Words><Text>alpha beta gamma</Text></Words>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  auto out = output_xml(r);
  EXPECT_NE(out.find("<Total>3</Total><Successful>3</Successful>"), std::string::npos) << out;
  EXPECT_NE(out.find("index=\"2\" success=\"true\"&gt;&lt;Word&gt;&lt;Text&gt;GAMMA"), std::string::npos) << out;
}

constexpr const char* kSequence = R"(
payloads:
  Start: { text: string }
  Word: { text: string }
listeners:
  - name: planner
    payload_class: Start
    handler: transform
    description: Runs two steps in order
    peers: [system.sequence, upper, exclaim, result]
    transform:
      to: system.sequence
      payload: SequenceStart
      fields:
        steps: "upper, exclaim"
        payload: "<Word><Text>{{text}}</Text></Word>"
        return_to: result
  - name: upper
    payload_class: Word
    handler: transform
    description: Upper-cases
    transform: { respond: true, payload: Word, fields: { text: "{{text | upper}}" } }
  - name: exclaim
    payload_class: Word
    handler: transform
    description: Adds an exclamation mark
    transform: { respond: true, payload: Word, fields: { text: "{{text}}!" } }
  - { name: result, payload_class: SequenceComplete, handler: output, description: Result }
)";

TEST(Pump, SequenceFeedsEachResultIntoTheNextStep) {
  auto pump = make_pump(kSequence);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "planner", "<Start><Text>hi</Text></Start>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  auto out = output_xml(r);
  EXPECT_NE(out.find("&lt;Text&gt;HI!&lt;/Text&gt;"), std::string::npos) << out;
  EXPECT_NE(out.find("<StepCount>2</StepCount>"), std::string::npos) << out;
}


// An agent stand-in: forwards its input to `picky`, and outputs whatever comes back to it
// (a response or a SystemError). It handles errors, as LLM agents will.
class EchoAgent final : public Handler {
 public:
  bool handles_errors() const override { return true; }
  HandlerOutcome handle(const HandlerContext& ctx) override {
    HandlerOutcome o;
    if (ctx.message.from == "external") o.emissions.push_back(Emission{ctx.message.payload, ctx.message.payload->class_name() == "Msg" ? "picky" : "", false});
    else o.output = ctx.message.payload;
    return o;
  }
};

constexpr const char* kErrorsReachAgents = R"(
payloads:
  Msg: { text: string }
listeners:
  - { name: agent, payload_class: Msg, handler: llm, description: Agent, agent: true, peers: [picky] }
  - name: picky
    payload_class: Msg
    handler: branch
    description: Only accepts "yes", has no default
    branch:
      rules:
        - { field: text, equals: "yes", respond: true }
)";

TEST(Pump, HandlerErrorReachesTheSenderWhenItCanActOnIt) {
  PumpOptions o;
  o.handler_factories["llm"] = [](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<EchoAgent>());
  };
  auto pump = make_pump(kErrorsReachAgents, o);
  ASSERT_TRUE(pump);
  auto r = run(*pump, "agent", "<Msg><Text>no</Text></Msg>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  auto out = output_xml(r);
  EXPECT_NE(out.find("<SystemError><code>handler</code>"), std::string::npos) << out;
  EXPECT_NE(out.find("picky"), std::string::npos) << out;
  // The response of a peer comes back to the calling agent (respond prunes the chain).
  auto ok = run(*pump, "agent", "<Msg><Text>yes</Text></Msg>");
  ASSERT_EQ(ok.status, ExecutionStatus::Success) << ok.error;
  EXPECT_EQ(output_xml(ok), "<Msg><Text>yes</Text></Msg>");
  EXPECT_EQ(ok.messages, 3u);
}

constexpr const char* kTwoPeers = R"(
payloads:
  Msg: { text: string }
listeners:
  - name: splitter
    payload_class: Msg
    handler: transform
    description: Sends its result to every peer that accepts it
    peers: [a, b]
    transform: { payload: Msg, fields: { text: "{{ text }}!" } }
  - { name: a, payload_class: Msg, handler: memory, description: A }
  - { name: b, payload_class: Msg, handler: memory, description: B }
)";

// Ends its thread without answering.
class Sink final : public Handler {
 public:
  HandlerOutcome handle(const HandlerContext&) override { return {}; }
};

class StateRecorder final : public Observer {
 public:
  void on_delivered(const Execution& e, const Message& m, bool) override {
    if (e.system) return;
    std::lock_guard l(mu);
    delivered.push_back(m.to);
  }
  void on_listener_state(const std::string& listener, ListenerState s, const std::string&) override {
    std::lock_guard l(mu);
    states.push_back(listener + ":" + listener_state_name(s));
  }
  void on_thread_completed(const Execution&, const std::string&) override { ++completed; }
  std::mutex mu;
  std::vector<std::string> delivered, states;
  std::atomic<int> completed{0};
};

TEST(Pump, OneEmissionPerMatchingPeerAndEveryThreadCompletes) {
  PumpOptions o;
  o.handler_factories["memory"] = [](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<Sink>());
  };
  auto spec = load_spec(kTwoPeers);
  auto p = Pump::create(spec, o, nullptr, nullptr);
  ASSERT_TRUE(p.ok());
  StateRecorder rec;
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  auto r = run(**p, "splitter", "<Msg><Text>go</Text></Msg>");
  (*p)->shutdown();
  EXPECT_EQ(r.status, ExecutionStatus::Success);
  EXPECT_EQ(r.messages, 3u);
  std::multiset<std::string> got(rec.delivered.begin(), rec.delivered.end());
  EXPECT_EQ(got.count("a"), 1u);
  EXPECT_EQ(got.count("b"), 1u);
  EXPECT_GE(rec.completed.load(), 2);  // a's and b's threads (and boot's)
}

TEST(Pump, ListenerStatesGoProcessingThenIdle) {
  auto spec = load_spec(kHello);
  auto p = Pump::create(spec, {}, nullptr, nullptr);
  StateRecorder rec;
  (*p)->add_observer(&rec);
  ASSERT_TRUE((*p)->start().ok());
  ASSERT_EQ(run(**p, "greeter", "<Greeting><Name>S</Name></Greeting>").status, ExecutionStatus::Success);
  (*p)->shutdown();
  std::vector<std::string> greeter;
  for (auto& s : rec.states) {
    if (s.rfind("greeter:", 0) == 0) greeter.push_back(s);
  }
  EXPECT_EQ(greeter, (std::vector<std::string>{"greeter:processing", "greeter:idle"}));
  EXPECT_GE(rec.completed.load(), 1);  // the output's thread, and boot's
}


// Counts how many of its calls are in flight at once.
class ConcurrencyProbe final : public Handler {
 public:
  explicit ConcurrencyProbe(std::atomic<int>& now, std::atomic<int>& peak) : now_(now), peak_(peak) {}
  bool is_async() const override { return true; }
  HandlerOutcome handle(const HandlerContext&) override { return {}; }
  void handle_async(const HandlerContext& ctx, std::function<void(HandlerOutcome)> done) override {
    int n = ++now_;
    int p = peak_.load();
    while (n > p && !peak_.compare_exchange_weak(p, n)) {
    }
    auto payload = ctx.message.payload;
    std::thread([this, done, payload] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // overlap, not a timing assertion
      --now_;
      HandlerOutcome o;
      o.output = payload;
      done(o);
    }).detach();
  }

 private:
  std::atomic<int>& now_;
  std::atomic<int>& peak_;
};

void check_gate(const std::string& yaml, int expected_peak) {
  std::atomic<int> now{0}, peak{0};
  PumpOptions o;
  o.handler_factories["llm"] = [&](const flow::ListenerSpec&, const schema::Schema&) -> Result<std::unique_ptr<Handler>> {
    return std::unique_ptr<Handler>(std::make_unique<ConcurrencyProbe>(now, peak));
  };
  auto pump = make_pump(yaml, o);
  ASSERT_TRUE(pump);
  std::vector<std::shared_ptr<Execution>> execs;
  for (int i = 0; i < 6; ++i) {
    InjectOptions io;
    io.timeout = std::chrono::seconds(10);
    execs.push_back(pump->inject("slow", payload(*pump, "<Msg><Text>x</Text></Msg>"), io).value());
  }
  for (auto& e : execs) EXPECT_EQ(e->wait().status, ExecutionStatus::Success);
  EXPECT_LE(peak.load(), expected_peak);  // without the gate all six run at once
  EXPECT_GE(peak.load(), 1);
  pump->shutdown();
}

TEST(Pump, AgentsRunAtMostMaxConcurrentPerAgentCalls) {
  check_gate(R"(
max_concurrent_per_agent: 1
payloads: { Msg: { text: string } }
listeners:
  - { name: slow, payload_class: Msg, handler: llm, description: Slow agent, agent: true }
)", 1);
}

TEST(Pump, AsynchronousHandlersRunAtMostMaxConcurrentHandlers) {
  check_gate(R"(
max_concurrent_handlers: 2
payloads: { Msg: { text: string } }
listeners:
  - { name: slow, payload_class: Msg, handler: llm, description: Slow tool }
)", 2);
}

TEST(Pump, CompletedExecutionsFreeTheirThreadsAndBuffers) {
  auto pump = make_pump(kFanOut);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(run(*pump, "splitter", "<Words><Text>a b c d</Text></Words>").status, ExecutionStatus::Success);
  }
  EXPECT_EQ(pump->backend().registry_size(), 0u);
  EXPECT_EQ(pump->backend().buffer_stats().thread_count, 0u);
  EXPECT_EQ(pump->live_executions(), 0u);
}

// Executions that end by deadline while their messages are queued or running must still free
// everything: nothing may be registered or recorded for them after their cleanup.
TEST(Pump, ExecutionsEndingByDeadlineMidFlightLeaveNothingBehind) {
  auto pump = make_pump(kFanOut);
  std::string words;
  for (int i = 0; i < 30; ++i) words += "w" + std::to_string(i) + " ";
  const auto xml = "<Words><Text>" + words + "</Text></Words>";
  std::vector<std::shared_ptr<Execution>> execs;
  for (int i = 0; i < 300; ++i) {
    InjectOptions o;
    o.timeout = std::chrono::milliseconds(1 + i % 2);  // many end while their items are queued
    execs.push_back(pump->inject("splitter", payload(*pump, xml), o).value());
  }
  for (auto& e : execs) e->wait();
  pump->shutdown();  // drains the messages of ended executions
  EXPECT_EQ(pump->backend().registry_size(), 0u);
  EXPECT_EQ(pump->backend().buffer_stats().thread_count, 0u);
  EXPECT_EQ(pump->live_executions(), 0u);
}

TEST(Pump, ShutdownTwiceIsSafe) {
  auto pump = make_pump(kHello);
  pump->shutdown();
  pump->shutdown();
  EXPECT_EQ(pump->inject("greeter", payload(*pump, "<Greeting><Name>X</Name></Greeting>")).error().code,
            ErrorCode::Unavailable);
}

TEST(Pump, InjectedEnvelopeRunsThroughIngress) {
  auto pump = make_pump(kHello);
  const std::string env =
      "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta><from>tester</from><to>greeter</to>"
      "<thread>not-a-uuid</thread></meta><Greeting xmlns=\"\"><Name>Env</Name></Greeting></message>";
  InjectOptions o;
  o.timeout = std::chrono::seconds(10);
  auto exec = pump->inject_envelope(env, o);
  ASSERT_TRUE(exec.ok()) << exec.error().message;
  auto r = (*exec)->wait();
  EXPECT_EQ(r.status, ExecutionStatus::Success);
  EXPECT_EQ(r.thread.size(), 36u);
  EXPECT_EQ(output_xml(r), "<Shouted><Text>HELLO, ENV!</Text></Shouted>");
}

}  // namespace
}  // namespace nextra::pump
