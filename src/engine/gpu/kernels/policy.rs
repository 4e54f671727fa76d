//! How the WebGPU engine picks its kernels, as a value: everything by shape (`auto`), the kernels
//! before the choice (`baseline`), or any choice forced, read from and printed as the settings
//! `atlas bench-gpu --kernels` and the conformance suite name (`KernelPolicy::parse`).

use std::fmt;

use super::{Fc, Tile, Winograd, WinogradTile, MAX_PARTS};

impl Fc {
    fn name(self) -> &'static str {
        match self {
            Fc::Scalar => "scalar",
            Fc::Wide => "wide",
            Fc::Half => "half",
        }
    }
}

/// How the engine picks its kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelPolicy {
    /// The tile of every convolution, or by shape.
    pub tile: Option<Tile>,
    /// Parts of K per convolution (1: never split), or by shape.
    pub split_k: Option<usize>,
    /// 1 × 1 stride-1 unpadded convolutions as plain GEMM.
    pub pointwise: bool,
    /// How fully connected layers hold and read their weights.
    pub fc: Fc,
    /// 3 × 3 stride-1 convolutions through Winograd.
    pub winograd: Winograd,
    /// Winograd's output tile, or by the map's size.
    pub winograd_tile: Option<WinogradTile>,
    /// The workgroups a dispatch should have to fill the device, or the adapter's guess
    /// (`device::fit`).
    pub groups: Option<usize>,
    /// Whether the tile by shape may be 128 × 128.
    pub big_tiles: bool,
    /// Whether a pointwise GEMM loads its input as vec4 where its columns come in fours.
    pub wide_input: bool,
    /// Whether the tiled kernels load the next slice of K into registers while they multiply
    /// the one in workgroup memory, or as the adapter suits (`Fit::prefetch`).
    pub prefetch: Option<bool>,
    /// Whether a concatenation's inputs are written into their slices of it where the device
    /// allows (`lower/place.rs`), rather than copied there.
    pub in_place: bool,
    /// Whether a run that keeps only outputs it still writes skips what no one reads
    /// (`lower/lean.rs`: residual additions in the convolution before, ReLUs written alone).
    pub lean: bool,
    /// Whether the lean run merges sibling pointwise convolutions into one GEMM
    /// (`lower/merge.rs`).
    pub merge: bool,
    /// Whether the lean run's pointwise convolutions take the max pool before them into their
    /// loads (`lower/lean.rs`), or as the adapter suits (`Fit::pool_in`).
    pub pool_in: Option<bool>,
    /// Whether a run submits its dispatches in command buffers of growing size, so the device
    /// starts on the first while the host records the rest (`run.rs`), rather than in one, or as
    /// the adapter suits (`Fit::chunks`).
    pub chunks: Option<bool>,
}

impl Default for KernelPolicy {
    fn default() -> Self {
        KernelPolicy::BY_SHAPE
    }
}

impl KernelPolicy {
    /// Everything chosen by shape.
    pub const BY_SHAPE: KernelPolicy = KernelPolicy {
        tile: None,
        split_k: None,
        pointwise: true,
        fc: Fc::Wide,
        winograd: Winograd::ByShape,
        winograd_tile: None,
        groups: None,
        big_tiles: true,
        wide_input: true,
        prefetch: None,
        in_place: true,
        lean: true,
        merge: true,
        pool_in: None,
        chunks: None,
    };

    /// The engine as it was before kernels were chosen by shape: one 64 × 64 tiled kernel for
    /// every convolution, one scalar GEMV for every fully connected layer.
    pub const BASELINE: KernelPolicy = KernelPolicy {
        tile: Some(Tile::T64),
        split_k: Some(1),
        pointwise: false,
        fc: Fc::Scalar,
        winograd: Winograd::Off,
        winograd_tile: None,
        groups: None,
        big_tiles: false,
        wide_input: false,
        prefetch: Some(false),
        in_place: false,
        lean: false,
        merge: false,
        pool_in: Some(false),
        chunks: Some(false),
    };

    /// Reads a policy: `auto` (by shape), `baseline`, or `auto`/`baseline` followed by settings
    /// separated by commas — `tile=64|32|128|auto`, `tile128=on|off` (whether
    /// the tile by shape may be 128), `split=N|auto`, `pointwise=on|off`,
    /// `fc=wide|scalar|half`, `winograd=on|off|always` (on: where the shape pays), `wtile=2|4|auto`
    /// (Winograd's F(2×2) or F(4×4) tiles), `groups=N` (the workgroups that fill the device),
    /// `input4=on|off` (a pointwise GEMM's input as vec4 where it can), `prefetch=on|off|auto`
    /// (the next slice loaded while the current one is multiplied; auto: as the adapter suits),
    /// `cat=inplace|copy` (a concatenation's inputs written into it, or copied), `lean=on|off`
    /// (a run that keeps only the logits skips what no one reads), `merge=on|off` (the lean run
    /// merges sibling pointwise convolutions into one GEMM), `poolin=on|off|auto` (the lean run's
    /// pointwise convolutions take the max pool before them into their loads; auto: as the
    /// adapter suits), `chunks=on|off|auto` (a run submitted in command buffers of growing size, or
    /// in one; auto: as the adapter suits) — or the settings alone (on top of `auto`).
    pub fn parse(s: &str) -> Result<KernelPolicy, String> {
        let mut p = KernelPolicy::BY_SHAPE;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let bad = || format!("kernel setting '{part}' is not understood (see --help)");
            match (key, value) {
                ("auto", "") => p = KernelPolicy::BY_SHAPE,
                ("baseline", "") => p = KernelPolicy::BASELINE,
                ("tile", "64") => p.tile = Some(Tile::T64),
                ("tile", "32") => p.tile = Some(Tile::T32),
                ("tile", "128") => p.tile = Some(Tile::T128),
                ("tile", "auto") => p.tile = None,
                ("tile128", "on") => p.big_tiles = true,
                ("tile128", "off") => p.big_tiles = false,
                ("input4", "on") => p.wide_input = true,
                ("input4", "off") => p.wide_input = false,
                ("prefetch", "on") => p.prefetch = Some(true),
                ("prefetch", "off") => p.prefetch = Some(false),
                ("prefetch", "auto") => p.prefetch = None,
                ("cat", "inplace") => p.in_place = true,
                ("cat", "copy") => p.in_place = false,
                ("lean", "on") => p.lean = true,
                ("lean", "off") => p.lean = false,
                ("merge", "on") => p.merge = true,
                ("merge", "off") => p.merge = false,
                ("poolin", "on") => p.pool_in = Some(true),
                ("poolin", "off") => p.pool_in = Some(false),
                ("poolin", "auto") => p.pool_in = None,
                ("chunks", "on") => p.chunks = Some(true),
                ("chunks", "off") => p.chunks = Some(false),
                ("chunks", "auto") => p.chunks = None,
                ("split", "auto") => p.split_k = None,
                ("split", n) => {
                    let n: usize = n.parse().map_err(|_| bad())?;
                    if !(1..=MAX_PARTS).contains(&n) {
                        return Err(format!("split={n}: between 1 and {MAX_PARTS}"));
                    }
                    p.split_k = Some(n);
                }
                ("pointwise", "on") => p.pointwise = true,
                ("pointwise", "off") => p.pointwise = false,
                ("fc", "wide") => p.fc = Fc::Wide,
                ("fc", "scalar") => p.fc = Fc::Scalar,
                ("fc", "half") => p.fc = Fc::Half,
                ("winograd", "on") => p.winograd = Winograd::ByShape,
                ("winograd", "off") => p.winograd = Winograd::Off,
                ("winograd", "always") => p.winograd = Winograd::Always,
                ("wtile", "2") => p.winograd_tile = Some(WinogradTile::F2),
                ("wtile", "4") => p.winograd_tile = Some(WinogradTile::F4),
                ("wtile", "auto") => p.winograd_tile = None,
                ("groups", n) => {
                    p.groups = Some(n.parse().ok().filter(|&n| n > 0).ok_or_else(bad)?)
                }
                _ => return Err(bad()),
            }
        }
        Ok(p)
    }

    /// The policy in `ATLAS_GPU_KERNELS` (natively), by shape without it.
    pub fn from_env() -> Result<KernelPolicy, String> {
        #[cfg(not(target_arch = "wasm32"))]
        if let Ok(s) = std::env::var("ATLAS_GPU_KERNELS") {
            return KernelPolicy::parse(&s);
        }
        Ok(KernelPolicy::BY_SHAPE)
    }
}

impl KernelPolicy {
    /// Every setting as `parse` reads it, in one order.
    fn settings(&self) -> [String; 15] {
        let on = |b: bool| if b { "on" } else { "off" };
        let auto = |v: Option<String>| v.unwrap_or_else(|| "auto".into());
        [
            format!(
                "tile={}",
                auto(self.tile.map(|t| match t {
                    Tile::T64 => "64".into(),
                    Tile::T32 => "32".into(),
                    Tile::T128 => "128".into(),
                }))
            ),
            format!("split={}", auto(self.split_k.map(|n| n.to_string()))),
            format!("pointwise={}", on(self.pointwise)),
            format!("fc={}", self.fc.name()),
            format!(
                "winograd={}",
                match self.winograd {
                    Winograd::Off => "off",
                    Winograd::ByShape => "on",
                    Winograd::Always => "always",
                }
            ),
            format!(
                "wtile={}",
                auto(self.winograd_tile.map(|t| t.side().to_string()))
            ),
            format!("groups={}", auto(self.groups.map(|n| n.to_string()))),
            format!("tile128={}", on(self.big_tiles)),
            format!("input4={}", on(self.wide_input)),
            format!("prefetch={}", auto(self.prefetch.map(|p| on(p).into()))),
            format!("cat={}", if self.in_place { "inplace" } else { "copy" }),
            format!("lean={}", on(self.lean)),
            format!("merge={}", on(self.merge)),
            format!("poolin={}", auto(self.pool_in.map(|p| on(p).into()))),
            format!("chunks={}", auto(self.chunks.map(|p| on(p).into()))),
        ]
    }
}

/// The policy as the settings by which it differs from `auto`, or from `baseline` after
/// `baseline,` where that is shorter (as `parse` reads it back): bench tables name their columns
/// so.
impl fmt::Display for KernelPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mine = self.settings();
        let differing = |from: &KernelPolicy| -> Vec<String> {
            let theirs = from.settings();
            mine.iter()
                .zip(theirs)
                .filter(|(m, t)| **m != *t)
                .map(|(m, _)| m.clone())
                .collect()
        };
        let (auto, base) = (
            differing(&KernelPolicy::BY_SHAPE),
            differing(&KernelPolicy::BASELINE),
        );
        if auto.is_empty() {
            write!(f, "auto")
        } else if base.is_empty() {
            write!(f, "baseline")
        } else if base.len() < auto.len() {
            write!(f, "baseline,{}", base.join(","))
        } else {
            write!(f, "{}", auto.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fit, shape};
    use super::super::*;

    #[test]
    fn policies_read_and_print_alike() {
        for s in [
            "auto",
            "baseline",
            "tile=32,split=4,pointwise=off,fc=scalar,winograd=always",
            "winograd=off,groups=256",
            "tile=32,split=4,winograd=always,wtile=4",
            "fc=half",
            "tile=128",
            "tile128=off",
            "input4=off,prefetch=off",
            "tile=32,prefetch=on",
            "cat=copy",
            "baseline,fc=wide",
            "baseline,winograd=on,cat=inplace",
            "cat=copy,lean=off",
            "merge=off",
            "poolin=on",
            "baseline,lean=on,merge=on,poolin=on",
            "chunks=off",
            "chunks=on",
            "baseline,chunks=auto",
        ] {
            let p = KernelPolicy::parse(s).unwrap();
            assert_eq!(p.to_string(), s);
            assert_eq!(KernelPolicy::parse(&p.to_string()).unwrap(), p);
        }
        // Settings that restate auto's are left out.
        assert_eq!(
            KernelPolicy::parse("tile=auto,split=auto,pointwise=on,fc=wide,winograd=on,cat=copy")
                .unwrap()
                .to_string(),
            "cat=copy"
        );
        assert!(KernelPolicy::parse("tile=48").is_err());
        assert!(KernelPolicy::parse("split=0").is_err());
        assert!(KernelPolicy::parse("split=17").is_err());
        assert!(KernelPolicy::parse("groups=0").is_err());
        let gpu = KernelPolicy::parse("groups=256").unwrap();
        assert_eq!(choose_conv(&gpu, fit(2), &shape(512, 49, 4_608)).parts, 8);
        assert_eq!(choose_fc(&KernelPolicy::BY_SHAPE, 9216), Fc::Wide);
        assert_eq!(choose_fc(&KernelPolicy::BY_SHAPE, 10), Fc::Scalar);
        assert_eq!(choose_fc(&KernelPolicy::BASELINE, 9216), Fc::Scalar);
        let half = KernelPolicy::parse("fc=half").unwrap();
        assert_eq!(choose_fc(&half, 9216), Fc::Half);
        assert_eq!(choose_fc(&half, 84), Fc::Wide);
        assert_eq!(choose_fc(&half, 10), Fc::Scalar);
    }
}
