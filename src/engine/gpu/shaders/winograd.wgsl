// Winograd F(2×2, 3×3) for the 3 × 3 stride-1 convolutions (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A on each 2 × 2 output tile,
// 16 multiplies where the direct form takes 36. Three dispatches: `input` turns every 4 × 4 input
// patch d into V = Bᵀ d B, laid out [16][C][P] (P tiles); the 16 products U·V are one grouped
// 1 × 1 convolution (shaders/conv.wgsl, POINTWISE, 16 groups; U = G g Gᵀ made at prepare time,
// [16][O][C]) into M = [16][O][P]; `output` turns each tile's 16 values into Y = Aᵀ M A, adds the
// bias and writes the ReLU that follows into y2.
// input:  a = (C, H, W, P), b = (tiles across TW, PH, PW, 0); x = the input, y = V.
// output: a = (O, P, OH, OW), b = (TW, flags: FLAG_BIAS, FLAG_RELU, 0, 0); x = M, aux2 = bias.
@compute @workgroup_size(256)
fn input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let P = p.a.w;
    let TW = p.b.x; let PH = i32(p.b.y); let PW = i32(p.b.z);
    if (i >= C * P) { return; }
    let c = i / P; let t = i % P;
    let y0 = i32(t / TW) * 2 - PH;
    let x0 = i32(t % TW) * 2 - PW;
    let base = c * H * W;
    let d0 = patch_row(base, y0, x0, H, W);
    let d1 = patch_row(base, y0 + 1, x0, H, W);
    let d2 = patch_row(base, y0 + 2, x0, H, W);
    let d3 = patch_row(base, y0 + 3, x0, H, W);
    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then (·) B on each row the same.
    let step = C * P;
    put_v(d0 - d2, i, step, 0u);
    put_v(d1 + d2, i, step, 1u);
    put_v(d2 - d1, i, step, 2u);
    put_v(d1 - d3, i, step, 3u);
}

// Row yy of the patch at columns x0 … x0 + 3, zeros outside the image.
fn patch_row(base: u32, yy: i32, x0: i32, H: u32, W: u32) -> vec4<f32> {
    var row = vec4<f32>(0.0);
    if (yy < 0 || yy >= i32(H)) { return row; }
    let at = base + u32(yy) * W;
    if (x0 >= 0 && x0 < i32(W)) { row.x = x[at + u32(x0)]; }
    if (x0 + 1 >= 0 && x0 + 1 < i32(W)) { row.y = x[at + u32(x0 + 1)]; }
    if (x0 + 2 >= 0 && x0 + 2 < i32(W)) { row.z = x[at + u32(x0 + 2)]; }
    if (x0 + 3 >= 0 && x0 + 3 < i32(W)) { row.w = x[at + u32(x0 + 3)]; }
    return row;
}

// Row r of Bᵀ d times B: V[4r + j] for j = 0 … 3, `step` = C·P apart.
fn put_v(v: vec4<f32>, i: u32, step: u32, r: u32) {
    let at = 4u * r * step + i;
    y[at] = v.x - v.z;
    y[at + step] = v.y + v.z;
    y[at + 2u * step] = v.z - v.y;
    y[at + 3u * step] = v.y - v.w;
}

@compute @workgroup_size(256)
fn output(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let O = p.a.x; let P = p.a.y; let OH = p.a.z; let OW = p.a.w;
    let TW = p.b.x; let flags = p.b.y;
    if (i >= O * P) { return; }
    let o = i / P; let t = i % P;
    let step = O * P;
    let m0 = get_m(i, step, 0u);
    let m1 = get_m(i, step, 1u);
    let m2 = get_m(i, step, 2u);
    let m3 = get_m(i, step, 3u);
    // Aᵀ m: rows m0 + m1 + m2, m1 − m2 − m3; then (·) A on each row the same.
    let a0 = m0 + m1 + m2;
    let a1 = m1 - m2 - m3;
    var bias = 0.0;
    if ((flags & FLAG_BIAS) != 0u) { bias = aux2[o]; }
    let v00 = a0.x + a0.y + a0.z + bias;
    let v01 = a0.y - a0.z - a0.w + bias;
    let v10 = a1.x + a1.y + a1.z + bias;
    let v11 = a1.y - a1.z - a1.w + bias;
    let oy = (t / TW) * 2u;
    let ox = (t % TW) * 2u;
    let base = o * OH * OW;
    put_y(v00, base, oy, ox, OH, OW, flags);
    put_y(v01, base, oy, ox + 1u, OH, OW, flags);
    put_y(v10, base, oy + 1u, ox, OH, OW, flags);
    put_y(v11, base, oy + 1u, ox + 1u, OH, OW, flags);
}

// Row r of a tile's M: M[4r + j] for j = 0 … 3, `step` = O·P apart.
fn get_m(i: u32, step: u32, r: u32) -> vec4<f32> {
    let at = 4u * r * step + i;
    return vec4<f32>(x[at], x[at + step], x[at + 2u * step], x[at + 3u * step]);
}

// One output value where it is inside the map, and its ReLU where asked.
fn put_y(v: f32, base: u32, yy: u32, xx: u32, OH: u32, OW: u32, flags: u32) {
    if (yy >= OH || xx >= OW) { return; }
    let at = base + yy * OW + xx;
    y[at] = v;
    if ((flags & FLAG_RELU) != 0u) { y2[at] = max(v, 0.0); }
}
