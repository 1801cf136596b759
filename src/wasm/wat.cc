// C++17 translation unit: includes wabt.

#include "wasm/wat.h"

#include "wabt/binary-writer.h"
#include "wabt/error-formatter.h"
#include "wabt/ir.h"
#include "wabt/resolve-names.h"
#include "wabt/stream.h"
#include "wabt/wast-lexer.h"
#include "wabt/wast-parser.h"

namespace nextra::wasm {

Result<std::string> wat_to_wasm(std::string_view wat) {
  if (wat.size() > kMaxWatBytes) {
    return Error::make(ErrorCode::ResourceExhausted, "the text module exceeds " + std::to_string(kMaxWatBytes) + " bytes");
  }
  wabt::Errors errors;
  auto lexer = wabt::WastLexer::CreateBufferLexer("module.wat", wat.data(), wat.size(), &errors);
  const wabt::Features features;
  wabt::WastParseOptions options(features);
  std::unique_ptr<wabt::Module> module;
  const auto failed = [&] {
    std::string text = wabt::FormatErrorsToString(errors, wabt::Location::Type::Text);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return Error::invalid("invalid text module: " + text);
  };
  if (wabt::Failed(wabt::ParseWatModule(lexer.get(), &module, &errors, &options))) return failed();
  if (wabt::Failed(wabt::ResolveNamesModule(module.get(), &errors))) return failed();
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options(features, true, false, false);
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, module.get(), write_options))) {
    return Error::invalid("the text module could not be encoded");
  }
  const auto& data = stream.output_buffer().data;
  return std::string(data.begin(), data.end());
}

}  // namespace nextra::wasm
