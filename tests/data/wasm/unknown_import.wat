;; Hostile: imports a host function that does not exist.
(module
  (import "env" "system" (func (param i32 i32) (result i32)))
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64) (i64.const 0)))
