#pragma once
// The `branch` handler kind: routes the incoming payload by the first rule whose condition
// holds (flow::BranchSpec). Rules are compiled once when the flow loads (paths checked,
// value templates compiled, patterns compiled); decide() runs once per message and may be
// called from many threads.

#include <memory>
#include <string>

#include "core/result.h"
#include "flow/diagnostic.h"
#include "flow/organism.h"
#include "handlers/template.h"
#include "schema/value.h"

namespace nextra::handlers {

struct BranchDecision {
  std::string to;
  bool respond = false;
  // The incoming payload itself (shared, not copied), or the rule's transform of it.
  schema::PayloadPtr payload;
  int rule_index = -1;  // index in BranchSpec::rules; -1 = the default
};

class CompiledBranch {
 public:
  // Longest text a `matches` rule examines; longer values are an error, not a silent miss.
  static constexpr size_t kMaxRegexInput = 64 * 1024;

  // A rule's `field` is a template expression (a path, optionally with filters:
  // `items | length`), checked against `input_class` when it is known. Its `value` is a
  // template (`lt: "{{ limit }}"`), except for `matches`, where it is the pattern itself
  // (regex.h). lt/lte/gt/gte with a literal value need a number. A rule's destination is
  // its `to`, else its transform's `to`; it answers the caller when either says `respond`.
  // Diagnostics as for CompiledTransform::compile, at rule.pos, with fields such as
  // "branch.rules[2].value". Returns the first problem as the error.
  static Result<CompiledBranch> compile(const flow::BranchSpec& spec, const schema::Schema& schema,
                                        const schema::PayloadClass* input_class, flow::Diagnostics* diags);

  // The first matching rule, else the default. Conditions:
  //   equals / not_equals  text equality; numerically when both sides are numbers ("5" = "5.0")
  //   contains             substring of the text; for a list, some element equals the value;
  //                        for a dict, the key exists
  //   matches              the pattern is found in the text (values over 64 KiB: error)
  //   lt lte gt gte        numeric; a side that is not a number is an error naming it
  //   exists               the field resolves and is not null, "", an empty list or dict
  //   always               always
  // A field that does not resolve (a missing list item or dict key, an empty optional on the
  // way) makes the rule not match, whatever the op. Errors: a rule value that fails to
  // render, a bad number comparison, an over-long regex input, a failing transform, and
  // "no branch rule matched and there is no default" (NotFound).
  // `scope.payload` is ignored: rules see `in`.
  Result<BranchDecision> decide(const schema::PayloadPtr& in, const Scope& scope) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace nextra::handlers
