//! What each kind of network reads and what comes back: an ImageNet photo (torchvision's resize,
//! centre crop and normalisation; the five most probable of 1,000 classes) or a digit drawn on
//! the pad (MNIST's own preprocessing; the ten digits' probabilities). The page sends the image
//! as it has it (one [`Image8`]); the worker prepares it here, runs the network and answers with
//! what the network saw and the probabilities. The kind is read from the network's description
//! (its input node), so a network that reads something else (an ONNX file's own input) is one
//! more variant here.

use serde::{Deserialize, Serialize};

use crate::digits;
use crate::i18n::Msg;
use crate::imagenet::{self, Image8};
use crate::zoo::graph::Network;

/// How a network's input is made from an image, and how its output is read.
#[derive(Clone, Debug, PartialEq)]
pub enum InputKind {
    /// A photo, as torchvision prepares ImageNet's: the shorter side resized to 256, the centre
    /// 224×224 cropped, each channel normalised with `mean` and `std`. A network of another
    /// `size` (an imported file's 3×32×32) gets the same steps scaled: the shorter side to
    /// size·256/224, the centre size×size.
    Photo {
        mean: [f32; 3],
        std: [f32; 3],
        size: [usize; 2],
    },
    /// A digit drawn on the pad (its ink as an 8-bit grey image), as MNIST's digits were made:
    /// cropped to the ink, scaled into 20×20, centred by its centre of mass in 28×28, padded to
    /// `side`×`side`.
    Digit { side: usize },
}

/// What the network was given: the photo's crop as it saw it, or the digit after MNIST's
/// preprocessing, or nothing (a blank pad).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Seen {
    /// The 224×224 RGB crop, and the size the photo was resized to before cropping.
    Crop {
        crop: Image8,
        resized: (usize, usize),
    },
    /// The digit, `side × side` grey values in [0, 1].
    Digit { side: usize, pixels: Vec<f32> },
    /// Nothing to classify (no ink on the pad).
    Blank,
}

/// An input made ready for the network: the tensor (`[C, H, W]`, row-major) and what it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Ready {
    pub tensor: Vec<f32>,
    pub seen: Seen,
}

impl InputKind {
    /// The kind `net`'s input node asks for: one channel of 32×32 (LeNet-5's) or 28×28 (MNIST's)
    /// reads a drawn digit, three a photo (normalised as the weights of `model` expect, or with
    /// the `normalisation` the reader set for an imported network).
    pub fn of(
        model: &str,
        net: &Network,
        normalisation: Option<([f32; 3], [f32; 3])>,
    ) -> Result<InputKind, Msg> {
        match net.input_shape() {
            Some([1, height, width])
                if height == width && (height == digits::LENET || height == digits::MNIST) =>
            {
                Ok(InputKind::Digit { side: height })
            }
            Some([3, height, width]) => {
                let (mean, std) = normalisation
                    .or_else(|| crate::pretrained::find(model).map(|p| p.normalisation()))
                    .unwrap_or((imagenet::MEAN, imagenet::STD));
                Ok(InputKind::Photo {
                    mean,
                    std,
                    size: [height, width],
                })
            }
            Some(_) => Err(Msg::new("errors-input-unreadable").arg("network", &net.label)),
            None => Err(Msg::new("errors-no-input-node")),
        }
    }

    /// Prepares `image` for the network (`Seen::Blank` and no tensor when there is nothing to
    /// classify).
    pub fn prepare(&self, image: &Image8) -> Result<Ready, Msg> {
        image
            .check()
            .map_err(|e| Msg::new("errors-photo-unusable").arg("detail", e))?;
        match self {
            InputKind::Photo { mean, std, size } => {
                let short = size[0].max(size[1]) * imagenet::RESIZE / imagenet::CROP;
                let resized = imagenet::resized_size(image.width, image.height, short);
                let prepared = imagenet::preprocess_sized(image, *mean, *std, *size);
                Ok(Ready {
                    tensor: prepared.tensor,
                    seen: Seen::Crop {
                        crop: prepared.crop,
                        resized,
                    },
                })
            }
            InputKind::Digit { side } => {
                // The pad's ink: the first channel (a grey image, or the canvas's alpha sent as
                // one channel).
                let ink: Vec<f32> = image
                    .data
                    .iter()
                    .step_by(image.channels)
                    .map(|&v| v as f32 / 255.0)
                    .collect();
                let Some(padded) = digits::mnist_preprocess(&ink, image.width, image.height) else {
                    return Ok(Ready {
                        tensor: Vec::new(),
                        seen: Seen::Blank,
                    });
                };
                // MNIST's 28×28 field is the padded digit's centre.
                let pixels = if *side == digits::MNIST {
                    digits::unpad_32(&padded)
                } else {
                    padded
                };
                Ok(Ready {
                    tensor: pixels.clone(),
                    seen: Seen::Digit {
                        side: *side,
                        pixels,
                    },
                })
            }
        }
    }

    /// The probabilities the page shows, from the network's output: a photo's five most probable
    /// classes, most probable first; a digit's ten, in the digits' order. (index, probability).
    pub fn probabilities(&self, logits: &[f32]) -> Vec<(usize, f32)> {
        match self {
            InputKind::Photo { .. } => imagenet::top_k(logits, 5)
                .into_iter()
                .map(|r| (r.index, r.prob))
                .collect(),
            InputKind::Digit { .. } => crate::engine::softmax(logits)
                .into_iter()
                .enumerate()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoo::nets;

    #[test]
    fn the_kind_follows_the_input_node_and_the_weights_normalisation() {
        let lenet = nets::build("lenet5").unwrap();
        assert_eq!(
            InputKind::of("lenet5", &lenet, None),
            Ok(InputKind::Digit { side: 32 })
        );
        let resnet = nets::build("resnet18").unwrap();
        assert_eq!(
            InputKind::of("resnet18", &resnet, None),
            Ok(InputKind::Photo {
                mean: imagenet::MEAN,
                std: imagenet::STD,
                size: [224, 224]
            })
        );
        // GoogLeNet's weights were ported from TensorFlow: (x − 0.5) / 0.5.
        let googlenet = nets::build("googlenet").unwrap();
        assert_eq!(
            InputKind::of("googlenet", &googlenet, None),
            Ok(InputKind::Photo {
                mean: [0.5; 3],
                std: [0.5; 3],
                size: [224, 224]
            })
        );
        // An imported network: its own size, the normalisation the reader set.
        let mut cifar = nets::build("lenet5").unwrap();
        cifar.nodes[0].op = crate::zoo::Op::Input {
            channels: 3,
            height: 32,
            width: 32,
        };
        let set = ([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]);
        assert_eq!(
            InputKind::of("cifar.onnx", &cifar, Some(set)),
            Ok(InputKind::Photo {
                mean: set.0,
                std: set.1,
                size: [32, 32]
            })
        );
        cifar.nodes[0].op = crate::zoo::Op::Input {
            channels: 1,
            height: 28,
            width: 28,
        };
        assert_eq!(
            InputKind::of("mnist.onnx", &cifar, None),
            Ok(InputKind::Digit { side: 28 })
        );
    }

    /// Photos of every proportion — one pixel, strips a pixel across, 4 channels and 1 — for
    /// square networks of 224, 32 and 299 and a non-square one of 64 × 100: each gives its
    /// network's tensor and crop, with no panic, and a digit pad of any size gives its digit.
    #[test]
    fn photos_of_any_shape_are_prepared_for_any_network() {
        let mut rng = crate::rng::Rng::new(7);
        let kinds = [[224, 224], [32, 32], [299, 299], [64, 100]].map(|size| InputKind::Photo {
            mean: imagenet::MEAN,
            std: imagenet::STD,
            size,
        });
        for (w, h) in [
            (1, 1),
            (1, 5000),
            (5000, 1),
            (2, 3),
            (223, 224),
            (640, 480),
            (3, 4000),
        ] {
            for channels in [1, 3, 4] {
                let data = (0..w * h * channels)
                    .map(|_| rng.below(256) as u8)
                    .collect();
                let image = Image8::new(w, h, channels, data).unwrap();
                for kind in &kinds {
                    let InputKind::Photo { size, .. } = kind else {
                        unreachable!()
                    };
                    let ready = kind.prepare(&image).unwrap();
                    assert_eq!(ready.tensor.len(), 3 * size[0] * size[1], "{w}×{h}");
                    assert!(ready.tensor.iter().all(|v| v.is_finite()));
                    let Seen::Crop { crop, .. } = ready.seen else {
                        panic!("a crop")
                    };
                    assert_eq!((crop.height, crop.width), (size[0], size[1]), "{w}×{h}");
                }
                let digit = InputKind::Digit { side: 32 }.prepare(&image).unwrap();
                assert!(matches!(digit.seen, Seen::Digit { .. } | Seen::Blank));
            }
        }
    }

    #[test]
    fn a_small_network_s_photo_is_resized_and_cropped_to_its_size() {
        // 300×200 for a 32×32 network: shorter side to 32·256/224 = 36, the centre 32×32.
        let data: Vec<u8> = (0..300 * 200 * 3).map(|i| (i % 251) as u8).collect();
        let image = Image8::new(300, 200, 3, data).unwrap();
        let kind = InputKind::Photo {
            mean: [0.5; 3],
            std: [0.5; 3],
            size: [32, 32],
        };
        let ready = kind.prepare(&image).unwrap();
        assert_eq!(ready.tensor.len(), 3 * 32 * 32);
        let Seen::Crop { crop, resized } = ready.seen else {
            panic!("a crop")
        };
        assert_eq!((crop.width, crop.height, resized), (32, 32, (54, 36)));
        // Ten outputs: the five most probable of them.
        let p = kind.probabilities(&[0.0, 3.0, 1.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        assert_eq!(p.iter().map(|r| r.0).take(3).collect::<Vec<_>>(), [1, 7, 2]);
    }

    #[test]
    fn a_photo_is_resized_cropped_and_normalised_as_torchvision_does() {
        // A 300×200 image: resized to 384×256, the centre 224×224 cropped.
        let data: Vec<u8> = (0..300 * 200 * 3).map(|i| (i % 251) as u8).collect();
        let image = Image8::new(300, 200, 3, data).unwrap();
        let kind = InputKind::Photo {
            mean: imagenet::MEAN,
            std: imagenet::STD,
            size: [224, 224],
        };
        let ready = kind.prepare(&image).unwrap();
        let expected = imagenet::preprocess(&image);
        assert_eq!(ready.tensor, expected.tensor);
        assert_eq!(
            ready.seen,
            Seen::Crop {
                crop: expected.crop,
                resized: (384, 256)
            }
        );
        let mut logits = vec![0f32; 1000];
        logits[7] = 5.0;
        logits[3] = 4.0;
        let p = kind.probabilities(&logits);
        assert_eq!(p.len(), 5);
        assert_eq!((p[0].0, p[1].0), (7, 3));
        assert!(p[0].1 > p[1].1 && p[1].1 > p[2].1);
    }

    #[test]
    fn a_digit_is_prepared_as_mnist_and_reads_all_ten() {
        let side = digits::PAD;
        let mut ink = vec![0u8; side * side];
        for y in 60..220 {
            for x in 130..150 {
                ink[y * side + x] = 255;
            }
        }
        let image = Image8::new(side, side, 1, ink.clone()).unwrap();
        let kind = InputKind::Digit { side: 32 };
        let ready = kind.prepare(&image).unwrap();
        let as_float: Vec<f32> = ink.iter().map(|&v| v as f32 / 255.0).collect();
        let expected = digits::mnist_preprocess(&as_float, side, side).unwrap();
        assert_eq!(ready.tensor, expected);
        assert_eq!(
            ready.seen,
            Seen::Digit {
                side: 32,
                pixels: expected.clone()
            }
        );
        // MNIST's own 28×28 (an imported network's input): the padded digit's centre.
        let mnist = InputKind::Digit { side: 28 }.prepare(&image).unwrap();
        assert_eq!(mnist.tensor, digits::unpad_32(&expected));
        assert_eq!(mnist.tensor.len(), 784);
        assert_eq!(digits::pad_to_32(&mnist.tensor), expected);
        let blank = Image8::new(side, side, 1, vec![0; side * side]).unwrap();
        assert_eq!(kind.prepare(&blank).unwrap().seen, Seen::Blank);
        let p = kind.probabilities(&[0.0; 10]);
        assert_eq!(p.len(), 10);
        assert!(p
            .iter()
            .enumerate()
            .all(|(i, &(d, v))| i == d && (v - 0.1).abs() < 1e-6));
    }

    #[test]
    fn an_image_whose_fields_disagree_is_refused() {
        let bad = Image8 {
            width: 10,
            height: 10,
            channels: 3,
            data: vec![0; 299],
        };
        let kind = InputKind::Digit { side: 32 };
        assert_eq!(kind.prepare(&bad).unwrap_err().key, "errors-photo-unusable");
    }
}
