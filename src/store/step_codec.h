#pragma once
// The steps of an execution recorded when it ends, as one text column of its row (migration
// 8) instead of a row each in execution_steps: the record writer's cost was mostly B-tree
// inserts (three step rows and their index entries per execution, each with two foreign-key
// look-ups). The text is a JSON array with one array per step, readable by hand and by
// PostgreSQL's JSON functions:
//   [[step_index, "sender", "target", "payload_class", "payload", "status", "error",
//     started_at_ms, finished_at_ms or null], ...]
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace nextra::store {

std::string encode_steps(const std::vector<ExecutionStep>& steps);
// Every step gets `execution_id`. Internal error when the text is not what encode_steps
// writes (a damaged row).
Result<std::vector<ExecutionStep>> decode_steps(std::string_view text, const std::string& execution_id);

}  // namespace nextra::store
