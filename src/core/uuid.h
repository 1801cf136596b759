#pragma once
// Random UUID v4 strings (thread ids) and the canonical-form check the ingress uses to
// decide whether an incoming thread id is kept (xml-pipeline-semantics.md §2 step 5).

#include <string>
#include <string_view>

namespace nextra {

// A new random UUID v4 in canonical lower-case form (36 characters). Thread-safe.
std::string new_uuid_v4();
// A new UUID v7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter within the
// millisecond, then random bits. Thread-safe. Ids made later in this process sort later
// (also within one millisecond), so rows keyed by them (executions, their steps) are appended
// to the end of their indexes instead of dirtying a random page each, and id order is the
// order they were made.
std::string new_uuid_v7();

// True iff `text` is a UUID whose canonical lower-case form equals `text` exactly.
bool is_canonical_uuid(std::string_view text);

}  // namespace nextra
