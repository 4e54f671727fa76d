// Max and average pooling with padding and ceil mode, one invocation per output: windows are
// clipped to the input (no padded copy); the average divides by the window's size within the
// padded input (PyTorch's count_include_pad; POOL_AVG_PIXELS by the image's pixels in it), a window starting in the right padding never
// being produced. Also adaptive average pooling (PyTorch's cells [⌊i·in/out⌋, ⌈(i+1)·in/out⌉)).
// a = (C, H, W, kind: POOL_MAX, POOL_AVG, POOL_AVG_PIXELS or POOL_ADAPTIVE), b = (OH, OW, KH, KW),
// c = (SH, SW, PH, PW).
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let kind = p.a.w;
    let OH = p.b.x; let OW = p.b.y; let KH = p.b.z; let KW = p.b.w;
    let SH = p.c.x; let SW = p.c.y; let PH = p.c.z; let PW = p.c.w;
    let i = flat_index(gid, nw);
    if (i >= C * OH * OW) { return; }
    let ox = i % OW; let oy = (i / OW) % OH; let ch = i / (OW * OH);
    var ya: i32; var yb: i32; var xa: i32; var xb: i32; var div: f32;
    if (kind == POOL_ADAPTIVE) {
        ya = i32(oy * H / OH); yb = i32(((oy + 1u) * H + OH - 1u) / OH);
        xa = i32(ox * W / OW); xb = i32(((ox + 1u) * W + OW - 1u) / OW);
        div = f32((yb - ya) * (xb - xa));
    } else {
        let y0 = i32(oy * SH) - i32(PH); let x0 = i32(ox * SW) - i32(PW);
        ya = max(y0, 0); yb = min(y0 + i32(KH), i32(H));
        xa = max(x0, 0); xb = min(x0 + i32(KW), i32(W));
        div = f32((min(y0 + i32(KH), i32(H + PH)) - y0) * (min(x0 + i32(KW), i32(W + PW)) - x0));
        if (kind == POOL_AVG_PIXELS) { div = f32((yb - ya) * (xb - xa)); }
    }
    let base = ch * H * W;
    var m = bitcast<f32>(0xff7fffffu); // −f32::MAX
    var s = 0.0;
    for (var iy = ya; iy < yb; iy++) {
        for (var ix = xa; ix < xb; ix++) {
            let v = x[base + u32(iy) * W + u32(ix)];
            m = max(m, v);
            s += v;
        }
    }
    if (kind == POOL_MAX) { y[i] = m; } else { y[i] = s / div; }
}
