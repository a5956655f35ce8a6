;; greet(name: string) -> string: returns "Hello, <name>!". The smallest component with strings:
;; string arguments need `memory` and `realloc`; a string result comes back through a pointer.
(component
  (core module $M
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (data (i32.const 16) "Hello, ")
    (func $realloc (export "cabi_realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (local.get $p))
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $n i32)
      (local.set $n (i32.add (local.get $len) (i32.const 8)))
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
      (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33))
      (i32.store (i32.const 0) (local.get $out))
      (i32.store (i32.const 4) (local.get $n))
      (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $m "greet")
      (memory (core memory $m "memory"))
      (realloc (core func $m "cabi_realloc"))))
)
