// What the tiled convolution kernels share — shaders/conv.wgsl (4 × 4 sums per invocation, 64- and
// 32-wide tiles) and conv128.wgsl (8 × 8, 128-wide): a workgroup's job, what each invocation
// loads, the loads of one slice of each operand (one vec4 per invocation, into As[li] and Bs[li],
// loaded ahead with PREFETCH) and the store of a row of four sums. Parameters and layouts are
// conv.wgsl's; each kernel declares TM (= TN, the tile's side), TK (a slice's depth) and
// AV = TM / 4 (the vec4s of one column of a slice, TK · AV = the invocations), POINTWISE,
// PREFETCH, PROLOGUE (a norm and ReLU before it), POOLED (a max pool before it), and As and Bs.
// `columns` (a pointwise input's four columns) and `element` (one value of the input) come from
// shaders/columns.wgsl or columns4.wgsl, as the kernel binds the input: f32 or vec4<f32>.

// A workgroup's job: the same for all its invocations (from its id alone, so that the loop over
// K and its barriers are in uniform control flow, as WGSL requires).
struct Job {
    g: u32, og: u32, K: u32, N: u32,
    // This part's K (whole slices, the last part what is left) and the tile's corner.
    k_begin: u32, k_end: u32, m0: u32, n0: u32,
    flags: u32, split: bool, part_rows: u32,
}

fn job(wg: vec3<u32>) -> Job {
    var j: Job;
    let C = p.a.x; let O = p.a.w;
    let OH = p.b.x; let OW = p.b.y; let KH = p.b.z; let KW = p.b.w;
    let G = p.d.z;
    j.flags = p.d.w;
    j.og = O / G; j.K = (C / G) * KH * KW; j.N = OH * OW;
    let parts = max(j.flags >> 8u, 1u);
    j.g = wg.z % G;
    let part = wg.z / G;
    let per = ((j.K + parts * TK - 1u) / (parts * TK)) * TK;
    j.k_begin = part * per;
    j.k_end = min(j.K, j.k_begin + per);
    j.split = parts > 1u;
    j.part_rows = part * O;
    j.m0 = wg.y * TM;
    j.n0 = wg.x * TM;
    return j;
}

// What invocation li loads of each slice: the weights of rows am…am+3 at column aq; the input's
// columns bn…bn+3 at row bq, their first input row and column (before the kernel's offsets),
// which of them are outputs, and the group's first channel.
struct Lane {
    aq: u32, am: u32,
    bq: u32, bn: u32, iy0: vec4<i32>, ix0: vec4<i32>, ok: vec4<bool>, xg: u32,
}

fn lane(j: Job, li: u32) -> Lane {
    var t: Lane;
    let C = p.a.x; let H = p.a.y; let W = p.a.z;
    let OW = p.b.y;
    let SH = p.c.x; let SW = p.c.y; let PH = p.c.z; let PW = p.c.w;
    t.aq = li / AV;
    t.am = j.m0 + 4u * (li % AV);
    t.bq = li / AV;
    t.bn = j.n0 + 4u * (li % AV);
    let n4 = vec4<u32>(t.bn) + vec4<u32>(0u, 1u, 2u, 3u);
    t.iy0 = vec4<i32>((n4 / vec4<u32>(OW)) * SH) - vec4<i32>(i32(PH));
    t.ix0 = vec4<i32>((n4 % vec4<u32>(OW)) * SW) - vec4<i32>(i32(PW));
    t.ok = n4 < vec4<u32>(j.N);
    t.xg = j.g * (C / p.d.z) * H * W;
    return t;
}

// The weights of output channels am…am+3 at depth k0 + aq: one vec4 (zeros outside).
fn load_weights(j: Job, t: Lane, k0: u32) -> vec4<f32> {
    let ka = k0 + t.aq;
    if (ka < j.k_end && t.am < j.og) {
        return aux[(j.g * j.K + ka) * ((j.og + 3u) / 4u) + t.am / 4u];
    }
    return vec4<f32>(0.0);
}

// X̂ at depth k0 + bq, columns bn…bn+3 (zeros outside the input and past the outputs).
fn load_input(j: Job, t: Lane, k0: u32) -> vec4<f32> {
    let kb = k0 + t.bq;
    var xb = vec4<f32>(0.0);
    if (kb >= j.k_end) { return xb; }
    let ok = t.ok;
    if (POOLED) {
        // X̂[k][n] is the max pool's output that the lean run leaves to this convolution: the
        // maximum of its window (p.d.x × p.d.y from t.iy0, t.ix0) of channel k of the pool's
        // input (H × W), clipped to it.
        let H = p.a.y; let W = p.a.z;
        let base = t.xg + kb * H * W;
        var m = vec4<f32>(bitcast<f32>(0xff7fffffu)); // −f32::MAX
        for (var dy = 0u; dy < p.d.x; dy++) {
            let iy = t.iy0 + vec4<i32>(i32(dy));
            let rows = ok & (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(H)));
            for (var dx = 0u; dx < p.d.y; dx++) {
                let ix = t.ix0 + vec4<i32>(i32(dx));
                let inside = rows & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(W)));
                if (inside.x) { m.x = max(m.x, element(base + u32(iy.x) * W + u32(ix.x))); }
                if (inside.y) { m.y = max(m.y, element(base + u32(iy.y) * W + u32(ix.y))); }
                if (inside.z) { m.z = max(m.z, element(base + u32(iy.z) * W + u32(ix.z))); }
                if (inside.w) { m.w = max(m.w, element(base + u32(iy.w) * W + u32(ix.w))); }
            }
        }
        xb = select(vec4<f32>(0.0), m, ok);
    } else if (POINTWISE) {
        // X̂[k][n] is the input: channel k, pixel n; in a PROLOGUE kernel, after the norm and
        // ReLU that the lean run leaves to this convolution (scales, then shifts, in `res`).
        xb = columns(t.xg + kb * j.N + t.bn, ok);
        if (PROLOGUE) {
            let c = j.g * j.K + kb;
            xb = max(xb * res[c] + vec4<f32>(res[p.a.x + c]), vec4<f32>(0.0));
        }
    } else {
        let H = p.a.y; let W = p.a.z;
        let at = p.a.w + 3u * kb;
        let off = t.xg + u32(aux2[at]);
        let iy = t.iy0 + vec4<i32>(i32(aux2[at + 1u]));
        let ix = t.ix0 + vec4<i32>(i32(aux2[at + 2u]));
        let inside = ok & (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(H)))
            & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(W)));
        if (inside.x) { xb.x = element(off + u32(iy.x) * W + u32(ix.x)); }
        if (inside.y) { xb.y = element(off + u32(iy.y) * W + u32(ix.y)); }
        if (inside.z) { xb.z = element(off + u32(iy.z) * W + u32(ix.z)); }
        if (inside.w) { xb.w = element(off + u32(iy.w) * W + u32(ix.w)); }
    }
    return xb;
}

// One slice of each operand, as invocation li loads it.
struct Slice { a: vec4<f32>, b: vec4<f32> }

fn load_slice(j: Job, t: Lane, k0: u32) -> Slice {
    return Slice(load_weights(j, t, k0), load_input(j, t, k0));
}

// What a kernel with PREFETCH loads of the slice at k0 before it multiplies the one in workgroup
// memory, so that the loads' latency passes during the products (nothing without PREFETCH).
fn ahead(j: Job, t: Lane, k0: u32) -> Slice {
    if (PREFETCH) { return load_slice(j, t, k0); }
    return Slice(vec4<f32>(0.0), vec4<f32>(0.0));
}

// The slice at k0 into workgroup memory (As[li], Bs[li]): the one loaded ahead, or loaded now.
fn stage(j: Job, t: Lane, li: u32, k0: u32, loaded: Slice) {
    var s = loaded;
    if (!PREFETCH) { s = load_slice(j, t, k0); }
    As[li] = s.a;
    Bs[li] = s.b;
}

// Four sums of output row m (of the group), columns n…n+3, on their way out: the bias, then as
// the flags ask (`put`); a part of a split K goes out raw, `part_rows` rows down the scratch.
fn store_row(j: Job, row: vec4<f32>, m: u32, n: u32) {
    if (m >= j.og) { return; }
    let oc = j.g * j.og + m;
    let N = j.N;
    let at = (j.part_rows + oc) * N + n;
    if (j.split) {
        if (n < N) { y[at] = row.x; }
        if (n + 1u < N) { y[at + 1u] = row.y; }
        if (n + 2u < N) { y[at + 2u] = row.z; }
        if (n + 3u < N) { y[at + 3u] = row.w; }
        return;
    }
    var v = row;
    if ((j.flags & FLAG_BIAS) != 0u) { v += vec4<f32>(aux2[oc]); }
    let flags = j.flags & 0xffu;
    if (n < N) { put(at, v.x, flags); }
    if (n + 1u < N) { put(at + 1u, v.y, flags); }
    if (n + 2u < N) { put(at + 2u, v.z, flags); }
    if (n + 3u < N) { put(at + 3u, v.w, flags); }
}
