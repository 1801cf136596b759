;; Hostile: hands http_fetch a request pointer past the end of memory.
(module
  (import "env" "http_fetch" (func $fetch (param i32 i32) (result i64)))
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64)
    (call $fetch (i32.const 70000) (i32.const 10))))
