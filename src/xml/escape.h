#pragma once
// Writing text into XML. Every Nextra string can be written: characters XML 1.0 cannot
// carry (C0 controls other than tab/newline/CR, U+FFFE, U+FFFF, surrogates and bytes that
// are not UTF-8) become U+FFFD instead of producing a document no parser accepts.
// Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace nextra::xml {

// Character data: & < > escaped; CR written as &#13; so that the parser's end-of-line
// normalisation gives back exactly the same string.
void append_escaped_text(std::string_view text, std::string& out);

// An attribute value in double quotes: as text, plus " and, because attribute-value
// normalisation would turn them into spaces, tab and newline as character references.
void append_escaped_attribute(std::string_view text, std::string& out);

// True iff `text` is valid UTF-8 made only of XML 1.0 characters.
bool is_valid_xml_text(std::string_view text);

}  // namespace nextra::xml
