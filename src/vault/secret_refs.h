#pragma once
// `${secret:NAME}` references in organism.yaml and templates, and the secret name rule.
//
// A reference is "${secret:" + NAME + "}" with NAME matching ^[A-Za-z_][A-Za-z0-9_.-]{0,127}$.
// "$${secret:X}" is an escape: it resolves to the literal text "${secret:X}" and is not a
// reference. Positions are 1-based; columns count bytes, like the YAML loader's.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::vault {

inline constexpr std::size_t kMaxSecretNameLength = 128;

// InvalidArgument with field "name" when `name` breaks the rule above.
Status validate_secret_name(std::string_view name);

struct SecretRef {
  std::string name;
  int line = 0;    // 1-based position of the '$'
  int column = 0;
};

// Every well-formed reference, in order; escapes and malformed references are skipped.
std::vector<SecretRef> find_secret_refs(std::string_view text);

// Replaces every reference with lookup(name) and every escape with its literal text. The
// first lookup error is returned with the reference's line and column set on it. A "${secret:"
// that does not form a valid reference is an InvalidArgument (with its position) rather than
// being passed through, so a typo never reaches a running flow as literal text.
Result<std::string> resolve_secret_refs(
    std::string_view text,
    const std::function<Result<std::string>(std::string_view name)>& lookup);

}  // namespace nextra::vault
