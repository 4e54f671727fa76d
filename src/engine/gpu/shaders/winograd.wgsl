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
// output: a = (O, P, OH, OW), b = (TW, flags: FLAG_BIAS, then `put`'s, 0, 0); x = M, aux2 = bias.

// Invocation i's patch: its channel's first value and its top-left corner (padding taken off),
// for tiles of `side` outputs.
struct Patch { base: u32, y0: i32, x0: i32 }
fn patch_of(i: u32, side: u32) -> Patch {
    let P = p.a.w; let TW = p.b.x;
    let c = i / P; let t = i % P;
    return Patch(c * p.a.y * p.a.z, i32((t / TW) * side) - i32(p.b.y),
                 i32((t % TW) * side) - i32(p.b.z));
}

// Invocation i's tile of outputs: its output channel, and its top-left output in the map.
struct OutTile { o: u32, oy: u32, ox: u32 }
fn tile_of(i: u32, side: u32) -> OutTile {
    let P = p.a.y; let TW = p.b.x;
    let t = i % P;
    return OutTile(i / P, (t / TW) * side, (t % TW) * side);
}

// Output channel o's bias, zero without one.
fn bias_of(o: u32) -> f32 {
    if ((p.b.y & FLAG_BIAS) != 0u) { return aux2[o]; }
    return 0.0;
}

// One output value, dy and dx from its tile's corner, where it is inside the map; its ReLU too
// where asked.
fn put_y(v: f32, t: OutTile, dy: u32, dx: u32) {
    let OH = p.a.z; let OW = p.a.w;
    let yy = t.oy + dy; let xx = t.ox + dx;
    if (yy >= OH || xx >= OW) { return; }
    put(t.o * OH * OW + yy * OW + xx, v, p.b.y);
}

// F(2×2, 3×3): one 4 × 4 patch per invocation.
@compute @workgroup_size(256)
fn input(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let step = p.a.x * p.a.w;
    if (i >= step) { return; }
    let q = patch_of(i, 2u);
    let d0 = patch_row(q, 0);
    let d1 = patch_row(q, 1);
    let d2 = patch_row(q, 2);
    let d3 = patch_row(q, 3);
    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3; then (·) B on each row the same.
    put_v(d0 - d2, i, step, 0u);
    put_v(d1 + d2, i, step, 1u);
    put_v(d2 - d1, i, step, 2u);
    put_v(d1 - d3, i, step, 3u);
}

// Row r of the patch, 4 columns, zeros outside the image.
fn patch_row(q: Patch, r: i32) -> vec4<f32> {
    let H = p.a.y; let W = p.a.z;
    let yy = q.y0 + r; let x0 = q.x0;
    var row = vec4<f32>(0.0);
    if (yy < 0 || yy >= i32(H)) { return row; }
    let at = q.base + u32(yy) * W;
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
    let step = p.a.x * p.a.y;
    if (i >= step) { return; }
    let m0 = get_m(i, step, 0u);
    let m1 = get_m(i, step, 1u);
    let m2 = get_m(i, step, 2u);
    let m3 = get_m(i, step, 3u);
    // Aᵀ m: rows m0 + m1 + m2, m1 − m2 − m3; then (·) A on each row the same.
    let a0 = m0 + m1 + m2;
    let a1 = m1 - m2 - m3;
    let t = tile_of(i, 2u);
    let bias = bias_of(t.o);
    put_y(a0.x + a0.y + a0.z + bias, t, 0u, 0u);
    put_y(a0.y - a0.z - a0.w + bias, t, 0u, 1u);
    put_y(a1.x + a1.y + a1.z + bias, t, 1u, 0u);
    put_y(a1.y - a1.z - a1.w + bias, t, 1u, 1u);
}

// Row r of a tile's M: M[4r + j] for j = 0 … 3, `step` = O·P apart.
fn get_m(i: u32, step: u32, r: u32) -> vec4<f32> {
    let at = 4u * r * step + i;
    return vec4<f32>(x[at], x[at + step], x[at + 2u * step], x[at + 3u * step]);
}

// F(4×4, 3×3): one 6 × 6 patch per invocation, Bᵀ d B with
// Bᵀ = [[4, 0, −5, 0, 1, 0], [0, −4, −4, 1, 1, 0], [0, 4, −4, −1, 1, 0],
//       [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]].
@compute @workgroup_size(256)
fn input4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let step = p.a.x * p.a.w;
    if (i >= step) { return; }
    let q = patch_of(i, 4u);
    var d: array<array<f32, 6>, 6>;
    for (var r = 0; r < 6; r++) {
        d[r] = patch_row6(q, r);
    }
    // Bᵀ d, column by column, then (·) B on each row.
    var e: array<array<f32, 6>, 6>;
    for (var j = 0; j < 6; j++) {
        var col = bt6(array<f32, 6>(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j]));
        for (var a = 0; a < 6; a++) {
            e[a][j] = col[a];
        }
    }
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

// Row r of the patch, 6 columns, zeros outside the image.
fn patch_row6(q: Patch, r: i32) -> array<f32, 6> {
    let H = p.a.y; let W = p.a.z;
    let yy = q.y0 + r;
    var row: array<f32, 6>;
    if (yy < 0 || yy >= i32(H)) { return row; }
    let at = q.base + u32(yy) * W;
    for (var j = 0; j < 6; j++) {
        let xx = q.x0 + j;
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
    let step = p.a.x * p.a.y;
    if (i >= step) { return; }
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
    let t = tile_of(i, 4u);
    let bias = bias_of(t.o);
    for (var r = 0u; r < 4u; r++) {
        let v = at6(f[r]) + vec4<f32>(bias);
        put_y(v.x, t, r, 0u);
        put_y(v.y, t, r, 1u);
        put_y(v.z, t, r, 2u);
        put_y(v.w, t, r, 3u);
    }
}
