//! The deterministic "splitmix-v1" checkpoint and input of ../shared/reference/README.md, bit for
//! bit: lets the tests check a full forward pass of any architecture against torchvision's logits
//! without downloading weights.

use crate::zoo::params::{ParamSpec, Role};

/// FNV-1a 64 of a string's UTF-8 bytes.
pub fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The i-th uniform number in [0, 1) for the tensor named `name`.
pub fn uniform(h: u64, i: u64) -> f64 {
    let x = h.wrapping_add(i).wrapping_add(0x9e3779b97f4a7c15);
    let mut z = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^= z >> 31;
    (z >> 40) as f64 / (1u64 << 24) as f64
}

/// Values of one checkpoint tensor, by the README's rules.
pub fn tensor(spec: &ParamSpec) -> Vec<f32> {
    let n: usize = spec.shape.iter().product();
    let h = fnv1a64(&spec.key);
    let fan_in: usize = spec.shape.iter().skip(1).product();
    (0..n as u64)
        .map(|i| {
            let u = uniform(h, i);
            let v = match spec.role {
                Role::NumBatchesTracked => 0.0,
                Role::RunningVar => 0.5 + u,
                Role::RunningMean | Role::Bias => 0.2 * u - 0.1,
                Role::Weight if spec.shape.len() == 1 => 0.5 + u,
                Role::Weight => (2.0 * u - 1.0) * (6.0 / fan_in as f64).sqrt(),
            };
            v as f32
        })
        .collect()
}

/// The input image `input` of `n` values: 2u − 1.
pub fn input(n: usize) -> Vec<f32> {
    let h = fnv1a64("input");
    (0..n as u64)
        .map(|i| (2.0 * uniform(h, i) - 1.0) as f32)
        .collect()
}

/// Runs `model` of the zoo with the splitmix-v1 checkpoint and input on `engine` and returns the
/// relative error of its logits against the `splitmix_v1.logits` of a ../shared/reference JSON
/// file's text: max |ours − ref| / max |ref|.
pub async fn logits_error(
    engine: &dyn crate::engine::Engine,
    model: &str,
    reference_json: &str,
) -> Result<f32, String> {
    let net = crate::zoo::build(model).ok_or_else(|| format!("the zoo has no {model}"))?;
    let weights = crate::engine::Weights::splitmix(&net);
    logits_error_with(engine, model, weights, reference_json).await
}

/// [`logits_error`] with the splitmix-v1 weights given (as another engine read them back).
pub async fn logits_error_with(
    engine: &dyn crate::engine::Engine,
    model: &str,
    weights: crate::engine::Weights,
    reference_json: &str,
) -> Result<f32, String> {
    let reference: serde_json::Value =
        serde_json::from_str(reference_json).map_err(|e| e.to_string())?;
    let theirs: Vec<f32> = reference["splitmix_v1"]["logits"]
        .as_array()
        .ok_or("the reference has no splitmix_v1.logits")?
        .iter()
        .map(|x| x.as_f64().map(|v| v as f32))
        .collect::<Option<_>>()
        .ok_or("a splitmix_v1 logit of the reference is not a number")?;
    let net = crate::zoo::build(model).ok_or_else(|| format!("the zoo has no {model}"))?;
    weights.check(&net, &[]).map_err(|e| e.to_string())?;
    logits_error_of(engine, &net, weights, &theirs).await
}

/// The largest difference between `net`'s logits on the splitmix-v1 input and `theirs`, relative
/// to their largest magnitude (a network read from elsewhere: an ONNX file).
pub async fn logits_error_of(
    engine: &dyn crate::engine::Engine,
    net: &crate::zoo::Network,
    weights: crate::engine::Weights,
    theirs: &[f32],
) -> Result<f32, String> {
    let [c, h, w] = net.input_shape().ok_or("the first node is not the input")?;
    let mut prepared = engine.prepare(net, weights).map_err(|e| e.to_string())?;
    let x = input(c * h * w);
    let out = prepared
        .run_async(&x, &[net.output()])
        .await
        .map_err(|e| e.to_string())?;
    let ours = &out.values[0];
    if ours.len() != theirs.len() {
        return Err(format!(
            "{} logits, the reference has {}",
            ours.len(),
            theirs.len()
        ));
    }
    let scale = theirs.iter().fold(0f32, |m, v| m.max(v.abs()));
    Ok(crate::engine::largest_difference(ours, theirs).0 / scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_readme_check_values() {
        let h = fnv1a64("features.0.weight");
        assert_eq!(h, 0xf70f941a24398456);
        assert_eq!(uniform(h, 0), 0.855757474899292);
        assert_eq!(uniform(h, 1), 0.4869723320007324);
        assert_eq!(uniform(h, 2), 0.019736289978027344);
        let hi = fnv1a64("input");
        assert!((uniform(hi, 0) - 0.09781832).abs() < 1e-8);
        assert!((uniform(hi, 1) - 0.14747858).abs() < 1e-8);
        assert!((uniform(hi, 2) - 0.5740844).abs() < 1e-7);
    }
}
