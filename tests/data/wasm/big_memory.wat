;; Hostile: declares 100 pages (6.4 MiB) up front.
(module
  (memory (export "memory") 100 200)
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "handle") (param i32 i32) (result i64) (i64.const 0)))
