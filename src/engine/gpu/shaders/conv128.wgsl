// The tiled convolution of shaders/conv.wgsl (same parameters, layouts, split-K and stores) with
// a 128 × 128 tile: 16 × 16 invocations, each keeping an 8 × 8 block of sums in sixteen vec4
// registers, slices 8 deep. Per slice an invocation still loads one vec4 of each operand
// (shaders/conv_tile.wgsl), and per step of a slice it reads four vec4s from workgroup memory for
// 64 multiply-adds where the 4 × 4 block reads two for 16: the block for a GPU's large layers,
// where the 64 × 64 tile is bound by workgroup-memory reads. Its rows are 4·l.y…+3 and
// 64 + 4·l.y…+3 of the tile, its columns 4·l.x…+3 and 64 + 4·l.x…+3, so that neighbouring
// invocations read neighbouring vec4s. POINTWISE and PREFETCH are declared before this source.
const WG: u32 = 16u;
const TM: u32 = 128u;
const TK: u32 = 8u;
const AV: u32 = 32u;
// Slice q of the weights as As[q·AV + i] = rows 4i…4i+3; of the input as Bs[q·AV + j] =
// columns 4j…4j+3.
var<workgroup> As: array<vec4<f32>, TK * AV>;
var<workgroup> Bs: array<vec4<f32>, TK * AV>;

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let j = job(wg);
    let t = lane(j, li);
    // acc[2·r + h]: row r of the block (0…3 the first four rows, 4…7 the second), columns of
    // half h.
    var acc: array<vec4<f32>, 16>;
    var next = ahead(j, t, j.k_begin);
    for (var k0 = j.k_begin; k0 < j.k_end; k0 += TK) {
        stage(j, t, li, k0, next);
        workgroupBarrier();
        next = ahead(j, t, k0 + TK);
        for (var q = 0u; q < TK; q++) {
            let a0 = As[q * AV + l.y];
            let a1 = As[q * AV + WG + l.y];
            let b0 = Bs[q * AV + l.x];
            let b1 = Bs[q * AV + WG + l.x];
            acc[0] += a0.x * b0;
            acc[1] += a0.x * b1;
            acc[2] += a0.y * b0;
            acc[3] += a0.y * b1;
            acc[4] += a0.z * b0;
            acc[5] += a0.z * b1;
            acc[6] += a0.w * b0;
            acc[7] += a0.w * b1;
            acc[8] += a1.x * b0;
            acc[9] += a1.x * b1;
            acc[10] += a1.y * b0;
            acc[11] += a1.y * b1;
            acc[12] += a1.z * b0;
            acc[13] += a1.z * b1;
            acc[14] += a1.w * b0;
            acc[15] += a1.w * b1;
        }
        workgroupBarrier();
    }
    let m = j.m0 + 4u * l.y;
    let n = j.n0 + 4u * l.x;
    let second = 4u * WG;
    for (var r = 0u; r < 4u; r++) {
        store_row(j, acc[2u * r], m + r, n);
        store_row(j, acc[2u * r + 1u], m + r, n + second);
        store_row(j, acc[8u + 2u * r], m + second + r, n);
        store_row(j, acc[9u + 2u * r], m + second + r, n + second);
    }
}
