# Every third-party dependency is found here, and only here (names from shared/spec/stack.md).
find_package(Threads REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(yaml-cpp REQUIRED)          # target `yaml-cpp` (no namespace in 0.7)
find_package(nlohmann_json 3.11 REQUIRED)
if(NEXTRA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(NEXTRA_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Control plane (issue #3): storage, HTTP, crypto.
find_package(SQLite3 REQUIRED)             # SQLite::SQLite3
find_package(Boost 1.74 REQUIRED)          # Boost::headers (Beast, Asio: header-only in 1.74)
find_package(OpenSSL REQUIRED)             # OpenSSL::Crypto (HMAC-SHA256, RS256)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)   # PkgConfig::SODIUM
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)       # PkgConfig::PQXX (no CMake config in 6.4)
find_package(CURL REQUIRED)                # CURL::libcurl (JWKS fetch; later the LLM gateway and HTTP node)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)   # PkgConfig::HIREDIS
# gperftools' tcmalloc replaces glibc's malloc in the nextra binary (not under sanitizers,
# which bring their own allocator): a fifth less CPU per webhook (docs/performance.md).
if(NOT NEXTRA_SANITIZE)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)   # PkgConfig::TCMALLOC
endif()

# Code blocks (issue #7): wabt's interpreter (C++17-only headers) and wasm2c's runtime.
find_package(wabt REQUIRED)               # wabt::wabt, wabt::wasm-rt-impl
