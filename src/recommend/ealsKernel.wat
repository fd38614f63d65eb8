;; The arithmetic of the eALS coordinate descent (ealsModel.ts, `descend`) in f64x2 lanes, two
;; numbers per instruction: V8 does not vectorise the plain loops. Compiled by
;; scripts/buildWasm.mjs (npm run build) into ealsKernelBinary.ts; driven by ealsKernel.ts, which
;; lays out the memory: the caches (K x K, upper triangles), the row being updated, and a_j, the
;; residuals r_j and the partners' factors factor-major, every one of these three of an even
;; length and zero-padded, so that the passes have no tail.
(module
  (memory (export "memory") 1)

  ;; For the entries [0, bytes / 8) of the arrays at $weights (a_j), $residuals (r_j) and the
  ;; factor columns at $column0, $column1 (g_jf, g_jf') and $previous0, $previous1 (the two
  ;; coordinates changed last, by $delta0 and $delta1):
  ;;   r_j -= a_j (delta0 g_j,previous0 + delta1 g_j,previous1)      (stored back)
  ;; then writes five f64 at $out: sum_j r_j g_jf, sum_j r_j g_jf', sum_j a_j g_jf^2,
  ;; sum_j a_j g_jf'^2 and sum_j a_j g_jf g_jf'. Each sum is kept in two lanes (even and odd
  ;; entries) and the lanes added at the end.
  (func (export "pairPass")
    (param $column0 i32) (param $column1 i32) (param $previous0 i32) (param $previous1 i32)
    (param $residuals i32) (param $weights i32) (param $bytes i32)
    (param $delta0 f64) (param $delta1 f64) (param $out i32)
    (local $at i32) (local $d0 v128) (local $d1 v128)
    (local $numerator0 v128) (local $numerator1 v128) (local $diagonal0 v128) (local $diagonal1 v128) (local $pair v128)
    (local $a v128) (local $r v128) (local $g0 v128) (local $g1 v128) (local $weighted0 v128)
    (local.set $d0 (f64x2.splat (local.get $delta0)))
    (local.set $d1 (f64x2.splat (local.get $delta1)))
    (block $done
      (br_if $done (i32.eqz (local.get $bytes)))
      (loop $next
        (local.set $a (v128.load (i32.add (local.get $weights) (local.get $at))))
        (local.set $r
          (f64x2.sub
            (v128.load (i32.add (local.get $residuals) (local.get $at)))
            (f64x2.mul (local.get $a)
              (f64x2.add
                (f64x2.mul (local.get $d0) (v128.load (i32.add (local.get $previous0) (local.get $at))))
                (f64x2.mul (local.get $d1) (v128.load (i32.add (local.get $previous1) (local.get $at))))))))
        (v128.store (i32.add (local.get $residuals) (local.get $at)) (local.get $r))
        (local.set $g0 (v128.load (i32.add (local.get $column0) (local.get $at))))
        (local.set $g1 (v128.load (i32.add (local.get $column1) (local.get $at))))
        (local.set $weighted0 (f64x2.mul (local.get $a) (local.get $g0)))
        (local.set $numerator0 (f64x2.add (local.get $numerator0) (f64x2.mul (local.get $r) (local.get $g0))))
        (local.set $numerator1 (f64x2.add (local.get $numerator1) (f64x2.mul (local.get $r) (local.get $g1))))
        (local.set $diagonal0 (f64x2.add (local.get $diagonal0) (f64x2.mul (local.get $weighted0) (local.get $g0))))
        (local.set $diagonal1
          (f64x2.add (local.get $diagonal1) (f64x2.mul (f64x2.mul (local.get $a) (local.get $g1)) (local.get $g1))))
        (local.set $pair (f64x2.add (local.get $pair) (f64x2.mul (local.get $weighted0) (local.get $g1))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $at) (local.get $bytes)))))
    (f64.store offset=0 (local.get $out) (call $lanes (local.get $numerator0)))
    (f64.store offset=8 (local.get $out) (call $lanes (local.get $numerator1)))
    (f64.store offset=16 (local.get $out) (call $lanes (local.get $diagonal0)))
    (f64.store offset=24 (local.get $out) (call $lanes (local.get $diagonal1)))
    (f64.store offset=32 (local.get $out) (call $lanes (local.get $pair))))

  ;; $product = $gram $row for a symmetric K x K $gram of which only the upper triangle (a <= b,
  ;; row-major) is read: row a gives product_a its part from b >= a and every product_b (b > a)
  ;; its part gram_ab row_a.
  (func (export "multiplyGram") (param $gram i32) (param $row i32) (param $product i32) (param $k i32)
    (local $a i32) (local $b i32) (local $at i32) (local $rowA f64) (local $splatA v128) (local $sum v128)
    (local $value v128) (local $tail f64)
    (memory.fill (local.get $product) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $a) (local.get $k)))
        (local.set $rowA (f64.load (i32.add (local.get $row) (i32.shl (local.get $a) (i32.const 3)))))
        (local.set $splatA (f64x2.splat (local.get $rowA)))
        (local.set $sum (v128.const i64x2 0 0))
        (local.set $b (i32.add (local.get $a) (i32.const 1)))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $b) (i32.const 1)) (local.get $k)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3)))
            (local.set $value (v128.load (i32.add (local.get $gram) (local.get $at))))
            (local.set $sum (f64x2.add (local.get $sum)
              (f64x2.mul (local.get $value) (v128.load (i32.add (local.get $row) (i32.shl (local.get $b) (i32.const 3)))))))
            (v128.store (i32.add (local.get $product) (i32.shl (local.get $b) (i32.const 3)))
              (f64x2.add (v128.load (i32.add (local.get $product) (i32.shl (local.get $b) (i32.const 3))))
                (f64x2.mul (local.get $value) (local.get $splatA))))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $pairs)))
        ;; the diagonal, and the last column when K - a - 1 is odd
        (local.set $tail (f64.mul
          (f64.load (i32.add (local.get $gram) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $a)) (i32.const 3))))
          (local.get $rowA)))
        (if (i32.lt_u (local.get $b) (local.get $k))
          (then
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3)))
            (local.set $tail (f64.add (local.get $tail)
              (f64.mul (f64.load (i32.add (local.get $gram) (local.get $at)))
                (f64.load (i32.add (local.get $row) (i32.shl (local.get $b) (i32.const 3)))))))
            (f64.store (i32.add (local.get $product) (i32.shl (local.get $b) (i32.const 3)))
              (f64.add (f64.load (i32.add (local.get $product) (i32.shl (local.get $b) (i32.const 3))))
                (f64.mul (f64.load (i32.add (local.get $gram) (local.get $at))) (local.get $rowA))))))
        (f64.store (i32.add (local.get $product) (i32.shl (local.get $a) (i32.const 3)))
          (f64.add (f64.load (i32.add (local.get $product) (i32.shl (local.get $a) (i32.const 3))))
            (f64.add (local.get $tail) (call $lanes (local.get $sum)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $rows))))

  ;; $gram += $weight ($new $new^T - $old $old^T) on the upper triangle (a <= b) of a K x K $gram:
  ;; the rank-one updates that keep a cache current when a row changes ($old zero: a row added).
  (func (export "replaceInGram") (param $gram i32) (param $new i32) (param $old i32) (param $weight f64) (param $k i32)
    (local $a i32) (local $b i32) (local $at i32) (local $newA f64) (local $oldA f64) (local $splatNew v128) (local $splatOld v128)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $a) (local.get $k)))
        (local.set $newA (f64.mul (local.get $weight) (f64.load (i32.add (local.get $new) (i32.shl (local.get $a) (i32.const 3))))))
        (local.set $oldA (f64.mul (local.get $weight) (f64.load (i32.add (local.get $old) (i32.shl (local.get $a) (i32.const 3))))))
        (local.set $splatNew (f64x2.splat (local.get $newA)))
        (local.set $splatOld (f64x2.splat (local.get $oldA)))
        (local.set $b (local.get $a))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $b) (i32.const 1)) (local.get $k)))
            (local.set $at (i32.add (local.get $gram) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3))))
            (v128.store (local.get $at)
              (f64x2.add (v128.load (local.get $at))
                (f64x2.sub
                  (f64x2.mul (local.get $splatNew) (v128.load (i32.add (local.get $new) (i32.shl (local.get $b) (i32.const 3)))))
                  (f64x2.mul (local.get $splatOld) (v128.load (i32.add (local.get $old) (i32.shl (local.get $b) (i32.const 3))))))))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_u (local.get $b) (local.get $k))
          (then
            (local.set $at (i32.add (local.get $gram) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.add (f64.load (local.get $at))
                (f64.sub
                  (f64.mul (local.get $newA) (f64.load (i32.add (local.get $new) (i32.shl (local.get $b) (i32.const 3)))))
                  (f64.mul (local.get $oldA) (f64.load (i32.add (local.get $old) (i32.shl (local.get $b) (i32.const 3))))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $rows))))

  ;; The sum of a vector's two lanes.
  (func $lanes (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v)))))
