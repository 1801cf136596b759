;; Hostile: loops forever.
(module
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0)))
