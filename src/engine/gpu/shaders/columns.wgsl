// A pointwise convolution's input columns n…n+3 at flat offset `off` of a row, as four scalar
// loads (those of `ok`): for inputs bound as f32 (shaders/conv_tile.wgsl, `load_input`).
fn columns(off: u32, ok: vec4<bool>) -> vec4<f32> {
    var v = vec4<f32>(0.0);
    if (ok.x) { v.x = x[off]; }
    if (ok.y) { v.y = x[off + 1u]; }
    if (ok.z) { v.z = x[off + 2u]; }
    if (ok.w) { v.w = x[off + 3u]; }
    return v;
}

// The input's element i.
fn element(i: u32) -> f32 {
    return x[i];
}
