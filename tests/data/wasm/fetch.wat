;; Passes its input to http_fetch as the request ({"url": ...}) and returns the response JSON.
(module
  (import "env" "http_fetch" (func $fetch (param i32 i32) (result i64)))
  ;; @alloc
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (call $fetch (local.get $ptr) (local.get $len))))
