// A pointwise convolution's input columns n…n+3 at flat offset `off` of a row, as one vec4 load:
// for inputs bound as vec4<f32> whose rows are whole vec4s (N a multiple of 4, so that `off` is
// one and the four columns are all outputs or none; shaders/conv_tile.wgsl, `load_input`).
fn columns(off: u32, ok: vec4<bool>) -> vec4<f32> {
    if (ok.x) { return x[off / 4u]; }
    return vec4<f32>(0.0);
}

// The input's element i (for the source's gathering loads, which such a kernel never runs).
fn element(i: u32) -> f32 {
    return x[i / 4u][i % 4u];
}
