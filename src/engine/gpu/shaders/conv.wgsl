// Convolution as a tiled implicit GEMM: per group, Y[o][n] = Σ_k W[o][k] · X̂[k][n] with
// k = (ci, ky, kx) and n = (oy, ox); X̂ is never built, the tile loads index the input (im2col in
// the load). A workgroup of WG × WG invocations computes a 4·WG × 4·WG tile of Y from WG-deep
// slices held in workgroup memory; each invocation keeps a 4 × 4 block of sums in four vec4
// registers and loads one vec4 of each operand per slice. WG (16 or 8) and POINTWISE are
// declared before this source, one pipeline per choice (src/engine/gpu/kernels.rs): a POINTWISE
// kernel runs the 1 × 1 stride-1 unpadded convolutions, whose X̂ is the input itself (contiguous
// loads, no offset table). Every index into a vector is a constant (no per-invocation component
// indexing, which emulated GPUs turn into scatters). The bias is added on the way out, and the
// ReLU that follows the convolution (or its folded norm) is written too, into y2, so that both
// nodes' outputs exist without a pass of their own.
// Split-K: with flags >> 8 = P > 1 parts, workgroup z = part · groups + g sums its part of K and
// writes it raw to y[part][o][n] (a scratch buffer); `reduce` (shaders/splitk.wgsl) then adds
// the parts, the bias and the ReLU.
// a = (C, H, W, O), b = (OH, OW, KH, KW), c = (SH, SW, PH, PW), d = (DH, DW, groups, flags:
// FLAG_BIAS add the bias, FLAG_RELU also write the ReLU to y2 (common.wgsl's constants), parts
// << 8). aux = weights [O][C/groups][KH][KW]; aux2 = the bias (O values, zeros without one), then
// for each k = (ci, ky, kx) of a group the triple (ci·H·W, ky·DH, kx·DW), made at prepare time:
// the input tile's loads look their offsets up instead of dividing k by KH·KW and KW.
const TM: u32 = 4u * WG;
const TN: u32 = 4u * WG;
const TK: u32 = WG;
// Slice q of the weights as As[q·WG + i] = rows 4i…4i+3; of the input as Bs[q·WG + j] =
// columns 4j…4j+3.
var<workgroup> As: array<vec4<f32>, WG * WG>;
var<workgroup> Bs: array<vec4<f32>, WG * WG>;

// One row of the 4 × 4 block on its way out: bias, the output, and the ReLU where asked; a part
// of a split K (`split`) goes out raw, `part_rows` rows down the scratch.
fn store_row(row: vec4<f32>, m: u32, og: u32, g: u32, n: u32, N: u32, flags: u32, split: bool,
             part_rows: u32) {
    if (m >= og) { return; }
    let oc = g * og + m;
    var v = row;
    var relu = false;
    if (!split) {
        if ((flags & FLAG_BIAS) != 0u) { v += vec4<f32>(aux2[oc]); }
        relu = (flags & FLAG_RELU) != 0u;
    }
    let r = max(v, vec4<f32>(0.0));
    let at = (part_rows + oc) * N + n;
    if (n < N) { y[at] = v.x; if (relu) { y2[at] = r.x; } }
    if (n + 1u < N) { y[at + 1u] = v.y; if (relu) { y2[at + 1u] = r.y; } }
    if (n + 2u < N) { y[at + 2u] = v.z; if (relu) { y2[at + 2u] = r.z; } }
    if (n + 3u < N) { y[at + 3u] = v.w; if (relu) { y2[at + 3u] = r.w; } }
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let O = p.a.w;
    let OH = p.b.x; let OW = p.b.y; let KH = p.b.z; let KW = p.b.w;
    let SH = p.c.x; let SW = p.c.y; let PH = p.c.z; let PW = p.c.w;
    let DH = p.d.x; let DW = p.d.y; let G = p.d.z; let flags = p.d.w;
    let cg = C / G; let og = O / G; let K = cg * KH * KW; let N = OH * OW;
    let parts = max(flags >> 8u, 1u);
    let g = wg.z % G;
    let part = wg.z / G;
    // This part's K: whole slices, the last part what is left.
    let per = ((K + parts * TK - 1u) / (parts * TK)) * TK;
    let k_begin = part * per;
    let k_end = min(K, k_begin + per);
    let m0 = wg.y * TM;
    let n0 = wg.x * TN;
    // The weights this invocation loads: rows m0 + 4·(li / TK) + r, column li % TK of a slice.
    let aq = li % TK;
    let am = m0 + 4u * (li / TK);
    // The input it loads: columns n0 + 4·(li % WG) + r, row li / WG of a slice; their output
    // pixels are found once.
    let bq = li / WG;
    let bn = n0 + 4u * (li % WG);
    let n4 = vec4<u32>(bn) + vec4<u32>(0u, 1u, 2u, 3u);
    let iy0 = vec4<i32>((n4 / vec4<u32>(OW)) * SH) - vec4<i32>(i32(PH));
    let ix0 = vec4<i32>((n4 % vec4<u32>(OW)) * SW) - vec4<i32>(i32(PW));
    let ok = n4 < vec4<u32>(N);
    let xg = g * cg * H * W;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var k0 = k_begin; k0 < k_end; k0 += TK) {
        let ka = k0 + aq;
        var wa = vec4<f32>(0.0);
        if (ka < k_end) {
            let base = (g * og + am) * K + ka;
            if (am < og) { wa.x = aux[base]; }
            if (am + 1u < og) { wa.y = aux[base + K]; }
            if (am + 2u < og) { wa.z = aux[base + 2u * K]; }
            if (am + 3u < og) { wa.w = aux[base + 3u * K]; }
        }
        As[aq * WG + li / TK] = wa;
        let kb = k0 + bq;
        var xb = vec4<f32>(0.0);
        if (kb < k_end) {
            if (POINTWISE) {
                // X̂[k][n] is the input: channel k, pixel n.
                let off = xg + kb * N + bn;
                if (ok.x) { xb.x = x[off]; }
                if (ok.y) { xb.y = x[off + 1u]; }
                if (ok.z) { xb.z = x[off + 2u]; }
                if (ok.w) { xb.w = x[off + 3u]; }
            } else {
                let t = O + 3u * kb;
                let off = xg + u32(aux2[t]);
                let iy = iy0 + vec4<i32>(i32(aux2[t + 1u]));
                let ix = ix0 + vec4<i32>(i32(aux2[t + 2u]));
                let inside = ok & (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(H)))
                    & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(W)));
                if (inside.x) { xb.x = x[off + u32(iy.x) * W + u32(ix.x)]; }
                if (inside.y) { xb.y = x[off + u32(iy.y) * W + u32(ix.y)]; }
                if (inside.z) { xb.z = x[off + u32(iy.z) * W + u32(ix.z)]; }
                if (inside.w) { xb.w = x[off + u32(iy.w) * W + u32(ix.w)]; }
            }
        }
        Bs[bq * WG + li % WG] = xb;
        workgroupBarrier();
        for (var q = 0u; q < TK; q++) {
            let a = As[q * WG + l.y];
            let b = Bs[q * WG + l.x];
            acc0 += a.x * b;
            acc1 += a.y * b;
            acc2 += a.z * b;
            acc3 += a.w * b;
        }
        workgroupBarrier();
    }
    let m = m0 + l.y * 4u;
    let n = n0 + l.x * 4u;
    let split = parts > 1u;
    let rows = part * O;
    store_row(acc0, m, og, g, n, N, flags, split, rows);
    store_row(acc1, m + 1u, og, g, n, N, flags, split, rows);
    store_row(acc2, m + 2u, og, g, n, N, flags, split, rows);
    store_row(acc3, m + 3u, og, g, n, N, flags, split, rows);
}
