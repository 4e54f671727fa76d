// Convolution as a tiled implicit GEMM: per group, Y[o][n] = Σ_k W[o][k] · X̂[k][n] with
// k = (ci, ky, kx) and n = (oy, ox); X̂ is never built, the tile loads index the input (im2col in
// the load). A workgroup of WG × WG invocations computes a 4·WG × 4·WG tile of Y from WG-deep
// slices held in workgroup memory; each invocation keeps a 4 × 4 block of sums in four vec4
// registers and loads one vec4 of each operand per slice (the weights' in one 16-byte load;
// shaders/conv_tile.wgsl has the loads and stores, shared with conv128.wgsl). WG (16 or 8),
// POINTWISE and PREFETCH are declared before this source, one pipeline per choice
// (src/engine/gpu/kernels.rs, `ConvKernel`):
// a POINTWISE kernel runs the 1 × 1 stride-1 unpadded convolutions, whose X̂ is the input itself
// (contiguous loads, no offset table). Every index into a vector is a constant (no
// per-invocation component indexing, which emulated GPUs turn into scatters). The bias is added
// on the way out, and the ReLU that follows the convolution (or its folded norm) is written too,
// into y2, so that both nodes' outputs exist without a pass of their own.
// Split-K: with flags >> 8 = P > 1 parts, workgroup z = part · groups + g sums its part of K and
// writes it raw to y[part][o][n] (a scratch buffer); `reduce` (shaders/splitk.wgsl) then adds
// the parts, the bias and the ReLU.
// a = (C, H, W, O), b = (OH, OW, KH, KW), c = (SH, SW, PH, PW), d = (DH, DW, groups, flags:
// FLAG_BIAS add the bias, FLAG_RELU also write the ReLU to y2 (the shared constants), parts
// << 8). aux = the weights as the kernel reads them (`KernelLayout`, src/engine/gpu/lower/conv.rs):
// per group, [k][o] with each row of o padded to whole vec4s, so that an invocation loads the
// weights of four output channels as one vec4 and consecutive invocations consecutive vec4s;
// aux2 = the bias (O values, zeros without one), then for each k = (ci, ky, kx) of a group the
// triple (ci·H·W, ky·DH, kx·DW), made at prepare time: the input tile's loads look their offsets
// up instead of dividing k by KH·KW and KW. The weights are bound as vec4s (A = vec4<f32>).

const TM: u32 = 4u * WG;
const TK: u32 = WG;
const AV: u32 = WG;
// Slice q of the weights as As[q·WG + i] = rows 4i…4i+3; of the input as Bs[q·WG + j] =
// columns 4j…4j+3 (shaders/conv_tile.wgsl loads them).
var<workgroup> As: array<vec4<f32>, WG * WG>;
var<workgroup> Bs: array<vec4<f32>, WG * WG>;

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let j = job(wg);
    let t = lane(j, li);
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    var next = ahead(j, t, j.k_begin);
    for (var k0 = j.k_begin; k0 < j.k_end; k0 += TK) {
        stage(j, t, li, k0, next);
        workgroupBarrier();
        next = ahead(j, t, k0 + TK);
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
    let m = j.m0 + l.y * 4u;
    let n = j.n0 + l.x * 4u;
    store_row(j, acc0, m, n);
    store_row(j, acc1, m + 1u, n);
    store_row(j, acc2, m + 2u, n);
    store_row(j, acc3, m + 3u, n);
}
