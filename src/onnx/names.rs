//! Layer names for an imported graph: exporters name nodes by the module that made them
//! (`torch.onnx.export` writes `/layer1/layer1.0/conv1/Conv`), and the description names layers by
//! module path as torchvision does (`layer1.0.conv1`), so the two line up; the diagram's blocks
//! (a residual block, a fire module) are the paths' first two parts.

/// The module path a node's name gives: scopes joined with dots, where a scope that repeats its
/// parent's prefix (`layer1` then `layer1.0`) replaces it; the operator's own last part dropped.
/// Empty when the name has no scope (`/Flatten`, or no name).
pub fn module_path(name: &str) -> String {
    if !name.contains('/') {
        // Not torch's scheme: the name itself, if it is one.
        return name
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
    }
    let parts: Vec<&str> = name.trim_start_matches('/').split('/').collect();
    let mut path = String::new();
    for seg in &parts[..parts.len().saturating_sub(1)] {
        if seg.is_empty() {
            continue;
        }
        if path.is_empty() || seg.starts_with(&format!("{path}.")) {
            path = seg.to_string();
        } else if let Some(last) = path
            .rsplit('.')
            .next()
            .filter(|l| seg.starts_with(&format!("{l}.")))
        {
            // `features` then `features.3` under a deeper scope: the segment extends the last part.
            let base = path[..path.len() - last.len()].to_string();
            path = format!("{base}{seg}");
        } else {
            path = format!("{path}.{seg}");
        }
    }
    path
}

/// The diagram's block of a layer at `path`: its first two parts when it lies deeper
/// (`layer2.0.downsample.0` is in `layer2.0`), none for a top-level layer (`features.0`).
/// `module` says whether the layer is a module (a functional op, `layer1.0.add`, belongs to the
/// block its path names).
pub fn block_of(path: &str, module: bool) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let deep = if module { 3 } else { 2 };
    if parts.len() >= deep {
        parts[..2].join(".")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torch_scopes_become_module_paths() {
        assert_eq!(module_path("/layer1/layer1.0/conv1/Conv"), "layer1.0.conv1");
        assert_eq!(
            module_path("/layer2/layer2.0/downsample/downsample.0/Conv"),
            "layer2.0.downsample.0"
        );
        assert_eq!(
            module_path("/features/features.3/squeeze/Conv"),
            "features.3.squeeze"
        );
        assert_eq!(module_path("/layer1/layer1.0/Add"), "layer1.0");
        assert_eq!(module_path("/Flatten"), "");
        assert_eq!(module_path("conv 1"), "conv_1");
        assert_eq!(block_of("layer2.0.downsample.0", true), "layer2.0");
        assert_eq!(block_of("layer1.0", false), "layer1.0");
        assert_eq!(block_of("features.0", true), "");
        assert_eq!(block_of("fc", true), "");
    }
}
