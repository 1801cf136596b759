;; Hostile: claims a 32 MiB output.
(module
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64)
    (call $pack (i32.const 0) (i32.const 33554432))))
