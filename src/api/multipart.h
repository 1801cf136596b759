#pragma once
// multipart/form-data bodies (RFC 7578) for uploads: the parts' names, optional file names,
// content types and bytes. Only what browsers and curl send: a boundary parameter, CRLF line
// ends, one Content-Disposition per part. Bounded: at most `max_parts` parts.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::api {

struct FormPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;  // empty when the part has none
  std::string data;
};

// InvalidArgument (field "body") for a missing boundary, a part without a name, a body that
// does not end with the closing boundary, or more than max_parts parts.
Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body,
                                              std::size_t max_parts = 16);

// The first part named `name`, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace nextra::api
