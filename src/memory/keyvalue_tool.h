#pragma once
// `tool:keyvalue` (xml-pipeline-semantics.md §10; issue #5): KeyValueRequest{operation: get |
// set | delete, key, value? (JSON text), namespace?, ttl_seconds? (0 = forever)} →
// KeyValueResponse{key, value, found, error}, always answered to the caller, over the flow's
// project memory (project_memory.h).
//
// Every problem is answered in `error` (found false, value empty) rather than as a
// SystemError, so an agent reads what to change: a bad operation, key, namespace, value or
// ttl, a full quota, memory not enabled for the flow, the store unavailable.
//
//   get     value = the stored JSON text, found = the key has a live value
//   set     stores `value` (required, valid JSON, at most 64 KiB); found = a value was replaced
//   delete  found = a value was removed
//
// `namespace` (1–64 of [A-Za-z0-9_.-]) prefixes the key as `<namespace>:<key>`; the stored
// key is at most 256 bytes. Keys under `wasm:` belong to code blocks and are refused.

#include <memory>

#include "core/result.h"
#include "memory/project_memory.h"
#include "pump/pump.h"
#include "schema/value.h"

namespace nextra::memory {

inline constexpr const char* kMemoryNotEnabled =
    "project memory is not enabled for this flow (its organism.yaml needs `memory: {enabled: true}`)";

// The KeyValueResponse answering `request`. `memory` null: the flow has not enabled project
// memory (every call answers kMemoryNotEnabled). InvalidArgument when `request` is not a
// KeyValueRequest; Internal when the schema lacks KeyValueResponse (a broken schema).
Result<schema::PayloadPtr> keyvalue_response(ProjectMemory* memory, const schema::Payload& request,
                                             const schema::Schema& schema);

// The handler kind `tool:keyvalue` for one flow; `memory` may be null (see above).
pump::HandlerFactory make_keyvalue_tool_factory(std::shared_ptr<ProjectMemory> memory);

}  // namespace nextra::memory
