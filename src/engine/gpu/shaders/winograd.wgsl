// Winograd convolutions for the 3 × 3 stride-1 layers (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A on each output tile.
// F(2×2, 3×3) (`input`, `output`): 4 × 4 patches, 16 multiplies where the direct form takes 36;
// F(4×4, 3×3) (`input4`, `output4`): 6 × 6 patches, 36 multiplies where it takes 144.
// Three dispatches: the input transform turns every patch d into V = Bᵀ d B, laid out [α²][C][P]
// (α the patch's side, P tiles); the α² products U·V are one grouped 1 × 1 convolution
// (shaders/conv.wgsl, POINTWISE, α² groups; U = G g Gᵀ made at prepare time, [α²][O][C]) into
// M = [α²][O][P]; the output transform turns each tile's α² values into Y = Aᵀ M A, adds the bias
// and writes the ReLU that follows into y2.
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

// F(4×4, 3×3): one 6 × 6 patch per invocation, Bᵀ d B with
// Bᵀ = [[4, 0, −5, 0, 1, 0], [0, −4, −4, 1, 1, 0], [0, 4, −4, −1, 1, 0],
//       [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]].
@compute @workgroup_size(256)
fn input4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let P = p.a.w;
    let TW = p.b.x; let PH = i32(p.b.y); let PW = i32(p.b.z);
    if (i >= C * P) { return; }
    let c = i / P; let t = i % P;
    let y0 = i32(t / TW) * 4 - PH;
    let x0 = i32(t % TW) * 4 - PW;
    let base = c * H * W;
    var d: array<array<f32, 6>, 6>;
    for (var r = 0; r < 6; r++) {
        d[r] = patch_row6(base, y0 + r, x0, H, W);
    }
    // Bᵀ d, column by column, then (·) B on each row.
    var e: array<array<f32, 6>, 6>;
    for (var j = 0; j < 6; j++) {
        var col = bt6(array<f32, 6>(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j]));
        for (var a = 0; a < 6; a++) {
            e[a][j] = col[a];
        }
    }
    let step = C * P;
    for (var a = 0u; a < 6u; a++) {
        var v = bt6(e[a]);
        for (var b = 0u; b < 6u; b++) {
            y[(a * 6u + b) * step + i] = v[b];
        }
    }
}

// Bᵀ times a column of six.
fn bt6(d: array<f32, 6>) -> array<f32, 6> {
    return array<f32, 6>(
        4.0 * d[0] - 5.0 * d[2] + d[4],
        -4.0 * (d[1] + d[2]) + d[3] + d[4],
        4.0 * (d[1] - d[2]) - d[3] + d[4],
        2.0 * (d[3] - d[1]) - d[2] + d[4],
        2.0 * (d[1] - d[3]) - d[2] + d[4],
        4.0 * d[1] - 5.0 * d[3] + d[5],
    );
}

// Row yy of the patch at columns x0 … x0 + 5, zeros outside the image.
fn patch_row6(base: u32, yy: i32, x0: i32, H: u32, W: u32) -> array<f32, 6> {
    var row: array<f32, 6>;
    if (yy < 0 || yy >= i32(H)) { return row; }
    let at = base + u32(yy) * W;
    for (var j = 0; j < 6; j++) {
        let xx = x0 + j;
        if (xx >= 0 && xx < i32(W)) { row[j] = x[at + u32(xx)]; }
    }
    return row;
}

// Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1, 2, −2, 0], [0, 1, 1, 4, 4, 0], [0, 1, −1, 8, −8, 1]]
// times a column of six.
fn at6(m: array<f32, 6>) -> vec4<f32> {
    return vec4<f32>(
        m[0] + m[1] + m[2] + m[3] + m[4],
        m[1] - m[2] + 2.0 * (m[3] - m[4]),
        m[1] + m[2] + 4.0 * (m[3] + m[4]),
        m[1] - m[2] + 8.0 * (m[3] - m[4]) + m[5],
    );
}

@compute @workgroup_size(256)
fn output4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let O = p.a.x; let P = p.a.y; let OH = p.a.z; let OW = p.a.w;
    let TW = p.b.x; let flags = p.b.y;
    if (i >= O * P) { return; }
    let o = i / P; let t = i % P;
    let step = O * P;
    // Aᵀ M, column by column (f[r][b]), then (·) A on each of the 4 rows.
    var f: array<array<f32, 6>, 4>;
    for (var b = 0u; b < 6u; b++) {
        var col: array<f32, 6>;
        for (var a = 0u; a < 6u; a++) {
            col[a] = x[(a * 6u + b) * step + i];
        }
        let r = at6(col);
        f[0][b] = r.x; f[1][b] = r.y; f[2][b] = r.z; f[3][b] = r.w;
    }
    var bias = 0.0;
    if ((flags & FLAG_BIAS) != 0u) { bias = aux2[o]; }
    let oy = (t / TW) * 4u;
    let ox = (t % TW) * 4u;
    let base = o * OH * OW;
    for (var r = 0u; r < 4u; r++) {
        let v = at6(f[r]) + vec4<f32>(bias);
        put_y(v.x, base, oy + r, ox, OH, OW, flags);
        put_y(v.y, base, oy + r, ox + 1u, OH, OW, flags);
        put_y(v.z, base, oy + r, ox + 2u, OH, OW, flags);
        put_y(v.w, base, oy + r, ox + 3u, OH, OW, flags);
    }
}
