#include "auth/sodium_init.h"

#include <sodium.h>

namespace nextra::auth::detail {

bool ensure_sodium() {
  // A function-local static is initialised once even under concurrent first calls.
  // sodium_init() returns 0 on first success and 1 when already initialised.
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace nextra::auth::detail
