;; Hostile: hands log a range past the end of memory.
(module
  (import "env" "log" (func $log (param i32 i32)))
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64)
    (call $log (i32.const 65500) (i32.const 100))
    (i64.const 0)))
