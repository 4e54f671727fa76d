// The GEMV (shaders/gemv_row.wgsl) reading its weights as vec4 (K a multiple of 4): 16 bytes per
// load, consecutive invocations on consecutive vec4s. x and the weights are bound as vec4 arrays
// (X = A = vec4<f32>).
const PER: u32 = 4u;

fn term(i: u32, k: u32) -> f32 {
    return dot(aux[i], x[k]);
}
