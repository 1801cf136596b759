#include "xml/escape.h"

#include <gtest/gtest.h>

namespace nextra::xml {
namespace {

std::string text(std::string_view s) {
  std::string out;
  append_escaped_text(s, out);
  return out;
}

std::string attr(std::string_view s) {
  std::string out;
  append_escaped_attribute(s, out);
  return out;
}

TEST(Escape, MarkupCharacters) {
  EXPECT_EQ(text("a<b>&c\"d'"), "a&lt;b&gt;&amp;c\"d'");
  EXPECT_EQ(attr("a<b>&c\"d'"), "a&lt;b&gt;&amp;c&quot;d'");
  EXPECT_EQ(text(""), "");
  EXPECT_EQ(text("plain"), "plain");
}

TEST(Escape, LineEndsSurviveParsing) {
  EXPECT_EQ(text("a\r\nb\tc"), "a&#13;\nb\tc");
  EXPECT_EQ(attr("a\r\nb\tc"), "a&#13;&#10;b&#9;c");
}

TEST(Escape, InvalidCharactersBecomeReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(text(std::string("a\0b", 3)), "a" + fffd + "b");
  EXPECT_EQ(text("\x01\x1F"), fffd + fffd);
  EXPECT_EQ(text("\xFF"), fffd);                  // not UTF-8
  EXPECT_EQ(text("\xC0\xAF"), fffd + fffd);       // overlong
  EXPECT_EQ(text("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(text("\xEF\xBF\xBE"), fffd + fffd + fffd);  // U+FFFE
  EXPECT_EQ(text("\xE2\x82"), fffd + fffd);       // truncated
  EXPECT_EQ(text("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
}

TEST(Escape, ValidUnicodeIsKept) {
  std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\x85";
  EXPECT_EQ(text(s), s);
  EXPECT_TRUE(is_valid_xml_text(s));
  EXPECT_FALSE(is_valid_xml_text("\x01"));
  EXPECT_FALSE(is_valid_xml_text("\xFF"));
  EXPECT_TRUE(is_valid_xml_text("tab\tnl\ncr\r"));
}

}  // namespace
}  // namespace nextra::xml
