// Fuel for wabt's interpreter. wabt 1.0.32 has no budget API: Func::Call runs to the end.
// Thread::Run(n) (public) executes at most n instructions, but starting a call needs
// Thread::PushValues / PushCall / PopValues, which are private. We reach them with the
// standard explicit-instantiation rule ([temp.explicit]: access checks do not apply to the
// names in an explicit instantiation), without redefining `private`. The call then runs in
// chunks of at most kFuelChunk instructions, each charged to the budget, with the clock and
// the value stack checked between chunks. The stop is deterministic: the same module and
// input always stop at the same instruction. It is exact unless a host import ran the
// module's `alloc` meanwhile (that draws from the same budget while the caller's chunk is
// in flight), in which case the caller may finish its chunk: at most kFuelChunk over.

#include <algorithm>
#include <string>

#include "wasm/wabt_internal.h"

namespace nextra::wasm::wabt_engine {
namespace {

template <typename Tag, typename Tag::type Member>
struct Expose {
  friend typename Tag::type get(Tag) { return Member; }
};

struct PushValuesTag {
  using type = void (wi::Thread::*)(const wi::ValueTypes&, const wi::Values&);
  friend type get(PushValuesTag);
};
struct PopValuesTag {
  using type = void (wi::Thread::*)(const wi::ValueTypes&, wi::Values*);
  friend type get(PopValuesTag);
};
struct PushCallTag {
  using type = wi::RunResult (wi::Thread::*)(const wi::DefinedFunc&, wi::Trap::Ptr*);
  friend type get(PushCallTag);
};
struct FramesTag {
  using type = std::vector<wi::Frame> wi::Thread::*;
  friend type get(FramesTag);
};
struct ValuesTag {
  using type = std::vector<wi::Value> wi::Thread::*;
  friend type get(ValuesTag);
};

template struct Expose<PushValuesTag, &wi::Thread::PushValues>;
template struct Expose<PopValuesTag, &wi::Thread::PopValues>;
template struct Expose<PushCallTag, &wi::Thread::PushCall>;
template struct Expose<FramesTag, &wi::Thread::frames_>;
template struct Expose<ValuesTag, &wi::Thread::values_>;

}  // namespace

std::unique_ptr<wi::Thread> make_thread(wi::Store& store, std::uint32_t call_depth) {
  auto thread = std::make_unique<wi::Thread>(store);
  // PushCall traps "call stack exhausted" when frames_ is at capacity, so the capacity is
  // the depth limit. A fresh vector reserved to n has capacity exactly n in libstdc++; the
  // limit is also never above wabt's own default (kMaxCallDepth < 1638).
  auto& frames = (*thread).*get(FramesTag{});
  std::vector<wi::Frame>().swap(frames);
  frames.reserve(call_depth);
  return thread;
}

Status run_metered(wi::Thread& thread, const wi::DefinedFunc& func, const wi::Values& params, wi::Values* results,
                   CallBudget& budget) {
  wi::Trap::Ptr trap;
  const auto trapped = [&]() -> Error {
    if (budget.error) return *budget.error;
    const std::string msg = trap ? trap->message() : std::string("unknown trap");
    if (msg == "call stack exhausted") {
      return Error::make(ErrorCode::ResourceExhausted,
                         "call depth limit of " + std::to_string(budget.limits->call_depth) + " exceeded");
    }
    return Error::invalid("wasm trap: " + msg);
  };
  (thread.*get(PushValuesTag{}))(func.type().params, params);
  if ((thread.*get(PushCallTag{}))(func, &trap) == wi::RunResult::Trap) return trapped();
  const auto& values = thread.*get(ValuesTag{});
  for (;;) {
    if (budget.fuel_left == 0) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "out of fuel after " + std::to_string(budget.limits->fuel) + " instructions");
    }
    const auto chunk = static_cast<int>(std::min<std::uint64_t>(budget.fuel_left, kFuelChunk));
    const wi::RunResult r = thread.Run(chunk, &trap);
    // A nested run (a host import calling `alloc`) may have drawn from the budget meanwhile.
    budget.fuel_left -= std::min<std::uint64_t>(budget.fuel_left, static_cast<std::uint64_t>(chunk));
    budget.fuel_used += static_cast<std::uint64_t>(chunk);
    if (r == wi::RunResult::Return) break;
    if (r == wi::RunResult::Trap) return trapped();
    if (r == wi::RunResult::Exception) return Error::invalid("wasm trap: uncaught exception");
    if (std::chrono::steady_clock::now() >= budget.deadline) {
      return Error::make(ErrorCode::DeadlineExceeded,
                         "timed out after " + std::to_string(budget.limits->timeout.count()) + " ms");
    }
    if (values.size() > kMaxValueStack) {
      return Error::make(ErrorCode::ResourceExhausted, "value stack limit of " + std::to_string(kMaxValueStack) +
                                                           " values exceeded");
    }
  }
  (thread.*get(PopValuesTag{}))(func.type().results, results);
  return {};
}

std::string type_name(wi::ValueType type) { return type.GetName(); }

}  // namespace nextra::wasm::wabt_engine
