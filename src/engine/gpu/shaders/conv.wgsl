// Convolution as a tiled implicit GEMM: per group, Y[o][n] = Σ_k W[o][k] · X̂[k][n] with
// k = (ci, ky, kx) and n = (oy, ox); X̂ is never built, the tile loads index the input (im2col in
// the load). A workgroup computes a 64 × 64 tile of Y from 16-deep slices held in workgroup
// memory; each of its 256 invocations keeps a 4 × 4 block of sums in registers. The bias is
// added on the way out, and the ReLU that follows the convolution (or its folded norm) is
// written too, into y2, so that both nodes' outputs exist without a pass of their own.
// a = (C, H, W, O), b = (OH, OW, KH, KW), c = (SH, SW, PH, PW), d = (DH, DW, groups, flags:
// bit 1 bias, bit 2 also write the ReLU to y2). aux = weights [O][C/groups][KH][KW], aux2 = bias.
const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
// Slices held as vec4 along m and n: an invocation reads its four rows and four columns at once.
var<workgroup> As: array<vec4<f32>, 256>;
var<workgroup> Bs: array<vec4<f32>, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let O = p.a.w;
    let OH = p.b.x; let OW = p.b.y; let KH = p.b.z; let KW = p.b.w;
    let SH = p.c.x; let SW = p.c.y; let PH = p.c.z; let PW = p.c.w;
    let DH = p.d.x; let DW = p.d.y; let G = p.d.z; let flags = p.d.w;
    let cg = C / G; let og = O / G; let kk = KH * KW; let K = cg * kk; let N = OH * OW;
    let g = wg.z;
    let m0 = wg.y * TM;
    let n0 = wg.x * TN;
    var acc: array<f32, 16>;
    for (var k0 = 0u; k0 < K; k0 += TK) {
        for (var i = 0u; i < 4u; i++) {
            let e = li + i * 256u;
            let m = e / TK; let q = e % TK;
            let gm = m0 + m; let gk = k0 + q;
            var v = 0.0;
            if (gm < og && gk < K) { v = aux[(g * og + gm) * K + gk]; }
            let at = q * TM + m;
            As[at / 4u][at % 4u] = v;
        }
        for (var i = 0u; i < 4u; i++) {
            let e = li + i * 256u;
            let q = e / TN; let n = e % TN;
            let gk = k0 + q; let gn = n0 + n;
            var v = 0.0;
            if (gk < K && gn < N) {
                let ci = gk / kk; let r = gk % kk;
                let ky = r / KW; let kx = r % KW;
                let oy = gn / OW; let ox = gn % OW;
                let iy = i32(oy * SH + ky * DH) - i32(PH);
                let ix = i32(ox * SW + kx * DW) - i32(PW);
                if (iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W)) {
                    v = x[((g * cg + ci) * H + u32(iy)) * W + u32(ix)];
                }
            }
            let at = q * TN + n;
            Bs[at / 4u][at % 4u] = v;
        }
        workgroupBarrier();
        for (var q = 0u; q < TK; q++) {
            let a = As[q * 16u + l.y];
            let b = Bs[q * 16u + l.x];
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] += a[i] * b[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        let m = m0 + l.y * 4u + i;
        if (m >= og) { continue; }
        let oc = g * og + m;
        var bias = 0.0;
        if ((flags & 2u) != 0u) { bias = aux2[oc]; }
        for (var j = 0u; j < 4u; j++) {
            let n = n0 + l.x * 4u + j;
            if (n >= N) { continue; }
            let v = acc[i * 4u + j] + bias;
            y[oc * N + n] = v;
            if ((flags & 4u) != 0u) { y2[oc * N + n] = max(v, 0.0); }
        }
    }
}
