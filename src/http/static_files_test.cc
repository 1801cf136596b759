#include "http/static_files.h"

#include <unistd.h>

#include <fstream>
#include <gtest/gtest.h>

namespace nextra::http {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("nextra_static_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "assets");
    fs::create_directories(base_ / "outside");
    write(base_ / "root" / "index.html", "<html>index</html>");
    write(base_ / "root" / "assets" / "app-123.js", "console.log(1)");
    write(base_ / "root" / "style.css", "body{}");
    write(base_ / "outside" / "secret.txt", "SECRET");
    fs::create_symlink(base_ / "outside" / "secret.txt", base_ / "root" / "link.txt");
    fs::create_directory_symlink(base_ / "outside", base_ / "root" / "outdir");
    auto h = make_static_handler({.root = base_ / "root"});
    ASSERT_TRUE(h.ok());
    handler_ = *h;
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

  Response get(const std::string& path) {
    Request r;
    r.method = "GET";
    r.path = path;
    return handler_(r);
  }

  fs::path base_;
  Handler handler_;
};

TEST_F(StaticFilesTest, ServesFilesWithMimeAndCache) {
  auto js = get("/assets/app-123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.headers.get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  auto css = get("/style.css");
  EXPECT_EQ(css.headers.get("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.headers.get("Cache-Control"), "public, max-age=3600");
  auto index = get("/");
  EXPECT_EQ(index.body, "<html>index</html>");
  EXPECT_EQ(index.headers.get("Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  auto r = get("/flows/42/edit");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html>index</html>");
  EXPECT_EQ(get("/missing.js").status, 404);
  EXPECT_EQ(get("/api/unknown").status, 404);
}

TEST_F(StaticFilesTest, TraversalIsRefused) {
  for (const char* p : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd", "/assets/../../outside/secret.txt",
                        "/..%5c..%5csecret.txt", "/a%00b", "/%zz"}) {
    auto r = get(p);
    EXPECT_EQ(r.status, 400) << p;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << p;
  }
  // Absolute paths resolve under the root, never at the file system root.
  for (const char* p : {"//etc/passwd", "/etc/passwd", "///" }) {
    auto r = get(p);
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << p;
  }
}

TEST_F(StaticFilesTest, SymlinksOutsideTheRootAreNotServed) {
  EXPECT_EQ(get("/link.txt").status, 404);
  EXPECT_EQ(get("/outdir/secret.txt").status, 404);
  EXPECT_EQ(get("/outdir").body.find("SECRET"), std::string::npos);
}

TEST(StaticFiles, MissingRootIsAnError) {
  auto h = make_static_handler({.root = "/nonexistent/nextra/root"});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::NotFound);
}

TEST(StaticFiles, MimeTypes) {
  EXPECT_EQ(mime_type_for("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("a.wasm"), "application/wasm");
  EXPECT_EQ(mime_type_for("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace nextra::http
