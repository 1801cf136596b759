#include "core/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace nextra {

namespace {
void set_name(pthread_t thread, const char* name) {
  // pthread_setname_np refuses names over 15 characters (ERANGE) instead of cutting them.
  const std::string cut(name, std::min<std::size_t>(std::strlen(name), 15));
  pthread_setname_np(thread, cut.c_str());
}
}  // namespace

void name_this_thread(const char* name) { set_name(pthread_self(), name); }

void name_thread(std::thread& thread, const char* name) { set_name(thread.native_handle(), name); }

}  // namespace nextra
