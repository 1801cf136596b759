;; Calls env.abort as AssemblyScript does: UTF-16 strings with their byte length before them.
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  ;; @alloc
  (data (i32.const 12) "\08\00\00\00b\00a\00d\00!\00")
  (data (i32.const 28) "\08\00\00\00a\00.\00t\00s\00")
  (func (export "handle") (param i32 i32) (result i64)
    (call $abort (i32.const 16) (i32.const 32) (i32.const 7) (i32.const 3))
    (i64.const 0)))
