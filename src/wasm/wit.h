#pragma once
// The WIT description stored with a module (docs/wasm.md, "WIT"): a small subset of the
// WebAssembly Interface Type language, enough to name the JSON records a module takes and
// returns. It is checked against the module's exports at upload, and its input record
// becomes the payload class of the module's Code Block in the palette.
//
//   package nextra:example;            // optional, ignored
//   interface shout {                  // optional wrapper: `interface` or `world`
//     record shout-request { text: string, times: s32 }
//     record shout-response { text: string, parts: list<string> }
//     handle: func(req: shout-request) -> shout-response;   // `export` allowed in a world
//   }
//
// Field types: string, bool, s32, s64, u32, float64 (or f64), list<string>. A function takes
// exactly one record and returns one record: each is one JSON object through the JSON ABI.
// Plain data; everything here is thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "wasm/sandbox.h"

namespace nextra::wasm {

inline constexpr std::size_t kMaxWitBytes = 64u * 1024;
inline constexpr std::size_t kMaxWitItems = 256;  // records + functions + fields in all

enum class WitType { String, Bool, S32, S64, U32, Float64, ListString };
const char* wit_type_name(WitType type);

struct WitField {
  std::string name;  // as written (kebab-case)
  WitType type = WitType::String;
  int line = 0;
};

struct WitRecord {
  std::string name;
  std::vector<WitField> fields;
  int line = 0;
};

struct WitFunction {
  std::string name;
  std::string param_name;
  std::string input;   // record name
  std::string output;  // record name
  int line = 0;
};

struct WitDocument {
  std::vector<WitRecord> records;
  std::vector<WitFunction> functions;
  const WitRecord* find_record(std::string_view name) const;
  const WitFunction* find_function(std::string_view name) const;
};

// Parses `text`. InvalidArgument with line and column set for the first problem:
// a syntax error, an unsupported type ("type 'u8' is not in the supported subset"), an
// unknown or duplicate record, a duplicate field or function.
Result<WitDocument> parse_wit(std::string_view text);

// The export a WIT function is called through: kebab-case becomes snake_case.
std::string export_name(std::string_view wit_name);

// Checks that the module can serve every function of `wit` through the JSON ABI: an export
// (snake_case name) of type (i32, i32) -> (i64), plus `alloc` (i32) -> (i32) and a memory.
// InvalidArgument naming the missing or mistyped export.
Status check_exports(const WitDocument& wit, const ModuleInfo& module);

// A payload class for the palette: name and fields in the `payloads:` YAML vocabulary.
struct PayloadClassDesc {
  struct Field {
    std::string name;  // snake_case
    std::string type;  // string | bool | int | decimal | list<string>
  };
  std::string name;  // PascalCase of the record's name
  std::vector<Field> fields;
};

// The class of `record`: kebab-case field names become snake_case, s32/s64/u32 become int,
// float64 becomes decimal.
PayloadClassDesc payload_class_of(const WitRecord& record);

// The input record of `function` (default: `handle`, else the only function) as a class.
// NotFound when there is no such function.
Result<PayloadClassDesc> input_payload_class(const WitDocument& wit, std::string_view function = "handle");

}  // namespace nextra::wasm
