#include "net/address.h"

#include <gtest/gtest.h>

#include "net/allowlist.h"
#include "net/target.h"

namespace nextra::net {
namespace {

std::optional<std::string> reason(const char* text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a ? blocked_reason(*a) : std::nullopt;
}

TEST(Address, ParsesV4AndV6AndRefusesOddForms) {
  EXPECT_TRUE(IpAddress::parse("10.0.0.1").has_value());
  EXPECT_TRUE(IpAddress::parse("[::1]").has_value());
  EXPECT_FALSE(IpAddress::parse("2130706433").has_value());  // inet_aton's integer form
  EXPECT_FALSE(IpAddress::parse("0x7f.0.0.1").has_value());
  EXPECT_FALSE(IpAddress::parse("fe80::1%eth0").has_value());
  EXPECT_FALSE(IpAddress::parse("example.com").has_value());
  EXPECT_EQ(IpAddress::parse("::ffff:127.0.0.1")->to_string(), "::ffff:127.0.0.1");
}

TEST(Address, BlocksEverySpecialIpv4Range) {
  EXPECT_EQ(reason("127.0.0.1"), "loopback");
  EXPECT_EQ(reason("127.255.1.2"), "loopback");
  EXPECT_EQ(reason("10.20.30.40"), "private");
  EXPECT_EQ(reason("172.16.0.1"), "private");
  EXPECT_EQ(reason("172.31.255.255"), "private");
  EXPECT_EQ(reason("192.168.1.1"), "private");
  EXPECT_EQ(reason("169.254.169.254"), "link-local (cloud metadata)");
  EXPECT_EQ(reason("100.64.0.1"), "carrier-grade NAT");
  EXPECT_EQ(reason("0.0.0.0"), "unspecified ('this network')");
  EXPECT_EQ(reason("224.0.0.1"), "multicast");
  EXPECT_EQ(reason("255.255.255.255"), "reserved");
}

TEST(Address, LetsPublicAddressesThrough) {
  EXPECT_EQ(reason("8.8.8.8"), std::nullopt);
  EXPECT_EQ(reason("172.32.0.1"), std::nullopt);   // just outside 172.16/12
  EXPECT_EQ(reason("100.128.0.1"), std::nullopt);  // just outside 100.64/10
  EXPECT_EQ(reason("2606:4700:4700::1111"), std::nullopt);
}

TEST(Address, BlocksIpv6EquivalentsIncludingMappedIpv4) {
  EXPECT_EQ(reason("::1"), "loopback");
  EXPECT_EQ(reason("::"), "unspecified");
  EXPECT_EQ(reason("fd12:3456::1"), "unique-local (private)");
  EXPECT_EQ(reason("fe80::1"), "link-local");
  EXPECT_EQ(reason("ff02::1"), "multicast");
  EXPECT_EQ(reason("::ffff:127.0.0.1"), "IPv4-mapped loopback");
  EXPECT_EQ(reason("::ffff:169.254.169.254"), "IPv4-mapped link-local (cloud metadata)");
  EXPECT_EQ(reason("64:ff9b::10.0.0.1"), "IPv4-mapped private");
  EXPECT_EQ(reason("::ffff:8.8.8.8"), std::nullopt);
}

TEST(Cidr, ParsesAndMatches) {
  auto c = Cidr::parse("10.1.0.0/16");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->contains(*IpAddress::parse("10.1.200.3")));
  EXPECT_FALSE(c->contains(*IpAddress::parse("10.2.0.1")));
  EXPECT_FALSE(c->contains(*IpAddress::parse("::1")));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33").ok());
  EXPECT_FALSE(Cidr::parse("10.0.0.0/x").ok());
  EXPECT_TRUE(Cidr::parse("fc00::/7")->contains(*IpAddress::parse("fd00::5")));
}

TEST(Allowlist, HostsAndRangesWithErrorsNamingTheEntry) {
  auto list = Allowlist::parse({"127.0.0.1", "10.0.0.0/8", "Ollama.Internal", "::1"});
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_TRUE(list->allows_host("ollama.internal"));
  EXPECT_TRUE(list->allows_host("OLLAMA.internal."));
  EXPECT_FALSE(list->allows_host("internal"));
  EXPECT_TRUE(list->allows_address(*IpAddress::parse("10.9.9.9")));
  EXPECT_TRUE(list->allows_address(*IpAddress::parse("::1")));
  EXPECT_FALSE(list->allows_address(*IpAddress::parse("192.168.0.1")));

  auto bad = Allowlist::parse({"ok.example", "10.0.0.0/99"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "allowlist[1]");
  auto junk = Allowlist::parse({"a b"});
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().field, "allowlist[0]");
}

TEST(Target, RefusesSchemesCredentialsAndBlockedLiterals) {
  Allowlist none;
  EXPECT_EQ(check_target("ftp://example.com/x", none).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(check_target("file:///etc/passwd", none).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(check_target("not a url", none).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(check_target("http://user:pw@8.8.8.8/", none).error().code, ErrorCode::InvalidArgument);
  for (const char* url : {"http://127.0.0.1/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                          "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
                          "http://100.64.1.1/", "https://[fe80::1]/", "http://localhost/"}) {
    auto t = check_target(url, none);
    ASSERT_FALSE(t.ok()) << url;
    EXPECT_EQ(t.error().code, ErrorCode::PermissionDenied) << url << ": " << t.error().message;
  }
  auto t = check_target("http://localhost:81/", none);
  EXPECT_NE(t.error().message.find("resolves to"), std::string::npos) << t.error().message;
}

TEST(Target, PublicLiteralPassesWithPortAndNormalisedUrl) {
  auto t = check_target("HTTPS://8.8.8.8/a?b=c", Allowlist());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->scheme, "https");
  EXPECT_EQ(t->port, 443);
  ASSERT_EQ(t->addresses.size(), 1u);
}

TEST(Target, DescribeUrlDropsQueryAndCredentials) {
  EXPECT_EQ(describe_url("https://u:p@host/x?key=SECRET#f"), "https://host/x");
  EXPECT_EQ(describe_url("https://host/x?key=SECRET"), "https://host/x");
}

TEST(Target, ResolvesRelativeRedirects) {
  EXPECT_EQ(*resolve_reference("http://a.example/x/y?q", "/z"), "http://a.example/z");
  EXPECT_EQ(*resolve_reference("http://a.example/x/y", "w"), "http://a.example/x/w");
  EXPECT_EQ(*resolve_reference("http://a.example/x", "http://10.0.0.1/"), "http://10.0.0.1/");
}

}  // namespace
}  // namespace nextra::net
