//! The worker's jobs on a held network: classify an image (prepared as the network's kind of
//! input asks), the last photo's crop through another network, layer outputs and their norms,
//! a unit's input gradient (its effective receptive field), the occlusion and saliency maps, the
//! gradient-flow experiment and the CPU engine's benchmark.

use super::state::{forward_failed, State};
use super::{next_task, Scope};
use crate::engine::autograd::{input_gradient, magnitude_map, Unit};
use crate::held::Held;
use crate::i18n::Msg;
use crate::imagenet::{self, Image8};
use crate::inputs::{InputKind, Seen};
use crate::protocol::{Classification, EngineKind, InputGradient, NodeOutputs, WorkerResponse};
use crate::web::wire::HandlerId;

use crate::engine::now_ms;

/// A unit's gradient with respect to `input` on a held network's CPU copy (candle's autograd),
/// and the unit's value.
fn gradient_of(h: &Held, input: &[f32], unit: Unit) -> Result<(Vec<f32>, f32), Msg> {
    let net = h.net.network();
    h.net
        .weights()
        .and_then(|w| input_gradient(net, &w, input, unit))
        .map_err(|e| Msg::new("errors-gradient-failed").arg("detail", e.to_string()))
}

impl State {
    /// An image through `model`, prepared as its kind of input asks; the input is kept for
    /// layer outputs and gradients.
    pub async fn classify(
        &mut self,
        model: String,
        image: Image8,
        tag: u64,
        every_layer: bool,
    ) -> Result<WorkerResponse, Msg> {
        // Not part of the forward pass's time: a network just put on the GPU compiling its
        // pipelines.
        self.gpu.ready().await;
        let h = self
            .held
            .touch(&model)
            .ok_or_else(|| Msg::new("errors-classify-no-weights").arg("model", &model))?;
        let net = h.net.network();
        let (kind, output) = (
            InputKind::of(&model, net, self.normalisation.get(&model).copied())?,
            net.output(),
        );
        let t0 = now_ms();
        let ready = kind.prepare(&image)?;
        let photo = matches!(ready.seen, Seen::Crop { .. }).then_some(image);
        let t1 = now_ms();
        let blank = |memory| {
            WorkerResponse::Classified(Classification {
                model: model.clone(),
                tag,
                seen: Seen::Blank,
                probs: Vec::new(),
                layers: None,
                preprocess_ms: t1 - t0,
                forward_ms: 0.0,
                memory,
                engine: EngineKind::Cpu,
                evicted: Vec::new(),
            })
        };
        if ready.seen == Seen::Blank {
            return Ok(blank(self.memory()));
        }
        let keep = if every_layer { vec![] } else { vec![output] };
        let ran = self.forward(&model, &ready.tensor, &keep).await?;
        let (acts, engine) = (ran.acts, ran.engine);
        let at = if every_layer { output } else { 0 };
        let probs = kind.probabilities(&acts.values[at]);
        let h = self.network(&model)?;
        h.set_input(ready.tensor);
        let layers = if every_layer {
            Some(NodeOutputs {
                shapes: acts.shapes,
                values: acts.values,
            })
        } else {
            h.keep(&[output], acts);
            None
        };
        if photo.is_some() {
            self.last_photo = photo;
        }
        // A run grows the engine's buffers and the outputs kept: the bound holds after it too.
        let evicted = self.held.evict(&model);
        Ok(WorkerResponse::Classified(Classification {
            model,
            tag,
            seen: ready.seen,
            probs,
            layers,
            preprocess_ms: t1 - t0,
            forward_ms: ran.millis,
            memory: self.memory(),
            engine,
            evicted,
        }))
    }

    /// The last photo (whichever network classified it) through `model`, cropped and normalised
    /// as `model` wants: its top-5.
    pub async fn classify_last_crop(
        &mut self,
        model: String,
        tag: u64,
    ) -> Result<WorkerResponse, Msg> {
        if self.last_photo.is_none() {
            return Err(Msg::new("errors-top5-no-photo"));
        }
        let h = self
            .held
            .touch(&model)
            .ok_or_else(|| Msg::new("errors-top5-not-loaded").arg("model", &model))?;
        let net = h.net.network();
        let (kind, output) = (
            InputKind::of(&model, net, self.normalisation.get(&model).copied())?,
            net.output(),
        );
        if !matches!(kind, InputKind::Photo { .. }) {
            return Err(Msg::new("errors-top5-not-a-photo").arg("model", &model));
        }
        let input = match &self.last_photo {
            Some(photo) => {
                kind.prepare(photo)
                    .map_err(|e| e.arg("model", &model))?
                    .tensor
            }
            None => return Err(Msg::new("errors-top5-no-photo")),
        };
        let ran = self
            .forward(&model, &input, &[output])
            .await
            .map_err(|e| e.arg("model", &model))?;
        Ok(WorkerResponse::Top5 {
            model,
            tag,
            top5: kind.probabilities(&ran.acts.values[0]),
            engine: ran.engine,
        })
    }

    /// Makes sure the outputs of `nodes` for the last input are computed (one run for all the
    /// missing ones).
    async fn ensure(&mut self, model: &str, nodes: &[usize]) -> Result<&mut Held, Msg> {
        let h = self.network(model)?;
        let n = h.net.network().nodes.len();
        if let Some(&bad) = nodes.iter().find(|&&i| i >= n) {
            return Err(Msg::new("errors-no-node")
                .arg("model", model)
                .arg("node", bad.to_string()));
        }
        let missing = h.missing(nodes);
        if !missing.is_empty() {
            let input = h
                .input()
                .ok_or_else(|| Msg::new("errors-no-photo-yet").arg("model", model))?
                .to_vec();
            let acts = self.forward(model, &input, &missing).await?.acts;
            self.network(model)?.keep(&missing, acts);
            self.held.evict(model);
        }
        self.network(model)
    }

    /// Some layers' outputs for the last input: one answer per node.
    pub async fn layers(
        &mut self,
        model: String,
        nodes: Vec<usize>,
        tag: u64,
    ) -> Vec<WorkerResponse> {
        match self.ensure(&model, &nodes).await {
            Ok(h) => nodes
                .iter()
                .filter_map(|&node| h.output(node).map(|o| (node, o.clone())))
                .map(|(node, (shape, values))| WorkerResponse::LayerValues {
                    model: model.clone(),
                    node,
                    tag,
                    shape,
                    values,
                })
                .collect(),
            Err(e) => vec![WorkerResponse::Failed(e)],
        }
    }

    /// The L2 norms of some nodes' outputs for the last input.
    pub async fn norms(
        &mut self,
        model: String,
        nodes: Vec<usize>,
        tag: u64,
    ) -> Result<WorkerResponse, Msg> {
        let h = self.ensure(&model, &nodes).await?;
        let norms = nodes
            .iter()
            .filter_map(|&n| {
                h.output(n)
                    .map(|o| (n, crate::concepts::residual::l2(&o.1)))
            })
            .collect();
        Ok(WorkerResponse::Norms { model, tag, norms })
    }

    /// The gradient of one unit with respect to the last input (on the CPU copy: candle's
    /// autograd).
    pub fn input_gradient(
        &mut self,
        model: String,
        unit: Unit,
        tag: u64,
    ) -> Result<WorkerResponse, Msg> {
        let h = self.network(&model)?;
        let input = h
            .input()
            .ok_or_else(|| Msg::new("errors-nothing-run-yet").arg("model", &model))?;
        let [channels, height, width] = h
            .net
            .network()
            .input_shape()
            .ok_or_else(|| Msg::new("errors-no-input-node"))?;
        let start = now_ms();
        let (gradient, value) = gradient_of(h, input, unit)?;
        Ok(WorkerResponse::InputGradient(InputGradient {
            model,
            tag,
            node: unit.node,
            channel: unit.channel,
            y: unit.y,
            x: unit.x,
            value,
            heat: magnitude_map(&gradient, channels),
            height,
            width,
            millis: now_ms() - start,
        }))
    }

    /// The last photo's input, the output node and the input's side (square inputs only).
    fn last_photo(&mut self, model: &str) -> Result<(Vec<f32>, usize, usize), Msg> {
        let h = self.network(model)?;
        let net = h.net.network();
        let [_, height, width] = net
            .input_shape()
            .ok_or_else(|| Msg::new("errors-no-input-node"))?;
        if height != width {
            return Err(Msg::new("errors-input-not-square")
                .arg("network", &net.label)
                .arg("height", height)
                .arg("width", width));
        }
        let input = h
            .input()
            .ok_or_else(|| Msg::new("errors-classify-first").arg("model", model))?
            .to_vec();
        Ok((input, net.output(), height))
    }

    /// The occlusion map of the last photo: one forward pass per place of the square, on the
    /// engine in use; progress after each row, then a pause for the event loop, where a
    /// `CancelOcclusion` can arrive.
    pub async fn occlusion(
        &mut self,
        scope: &Scope,
        id: HandlerId,
        model: &str,
        [patch, stride]: [usize; 2],
        tag: u64,
    ) -> Result<WorkerResponse, Msg> {
        use crate::concepts::occlusion::{self, OcclusionMap};
        self.cancel.set(false);
        let (input, output, side) = self.last_photo(model)?;
        occlusion::check(side, patch, stride)?;
        let start = now_ms();
        let whole = self.forward(model, &input, &[output]).await?;
        let (engine, mut switched) = (whole.engine, None);
        let logits = &whole.acts.values[0];
        let class = imagenet::top_k(logits, 1)
            .first()
            .map(|r| r.index)
            .ok_or_else(|| Msg::new("errors-no-output"))?;
        let base = occlusion::probability(logits, class);
        let starts = occlusion::starts(side, patch, stride);
        let total = starts.len() * starts.len();
        let mut drops = Vec::with_capacity(total);
        for &y0 in &starts {
            for &x0 in &starts {
                let hidden = occlusion::occlude(&input, side, y0, x0, patch);
                let ran = self.forward(model, &hidden, &[output]).await?;
                // The passes before this one: the whole photo's and one per place so far.
                if ran.engine != engine && switched.is_none() {
                    switched = Some((1 + drops.len(), ran.engine));
                }
                drops.push(base - occlusion::probability(&ran.acts.values[0], class));
            }
            let done = drops.len();
            scope.respond(id, WorkerResponse::OcclusionProgress { tag, done, total });
            next_task().await;
            if self.cancel.replace(false) {
                return Ok(WorkerResponse::OcclusionCancelled { tag, done, total });
            }
        }
        Ok(WorkerResponse::Occlusion {
            model: model.to_string(),
            tag,
            map: OcclusionMap {
                class,
                base,
                side,
                patch,
                stride,
                starts,
                drops,
            },
            millis: now_ms() - start,
            engine,
            switched,
        })
    }

    /// The gradient saliency of the last photo's top class (on the CPU copy, candle's autograd).
    pub fn saliency(&mut self, model: &str, tag: u64) -> Result<WorkerResponse, Msg> {
        let (input, output, side) = self.last_photo(model)?;
        let start = now_ms();
        let h = self.network(model)?;
        let logits = match h.output(output) {
            Some((_, v)) => v.clone(),
            None => h.net.run(&input, &[output]).map_err(forward_failed)?.values[0].clone(),
        };
        let class = imagenet::top_k(&logits, 1)
            .first()
            .map(|r| r.index)
            .ok_or_else(|| Msg::new("errors-no-output"))?;
        let unit = Unit {
            node: output,
            channel: class,
            y: 0,
            x: 0,
        };
        let (gradient, _) = gradient_of(h, &input, unit)?;
        let plane = side * side;
        let heat = (0..plane)
            .map(|i| {
                gradient
                    .iter()
                    .skip(i)
                    .step_by(plane)
                    .fold(0f32, |m, g| m.max(g.abs()))
            })
            .collect();
        Ok(WorkerResponse::Saliency {
            model: model.to_string(),
            tag,
            class,
            heat,
            side,
            millis: now_ms() - start,
        })
    }

    /// Times the CPU engine (the WebGPU engine's rows of `make bench` come from the page's
    /// `atlasBenchGpu`).
    pub fn bench(
        &mut self,
        model: String,
        warmup: usize,
        runs: usize,
    ) -> Result<WorkerResponse, Msg> {
        let memory = self.memory();
        let h = self.network(&model)?;
        let net = h.net.network();
        let [c, height, width] = net
            .input_shape()
            .ok_or_else(|| Msg::new("errors-no-input-node"))?;
        let input = crate::engine::splitmix::input(c * height * width);
        let output = net.output();
        let mut times_ms = Vec::new();
        let mut output_sum = 0.0;
        for i in 0..warmup.saturating_add(runs) {
            let start = now_ms();
            let a = h.net.run(&input, &[output]).map_err(forward_failed)?;
            output_sum = a.values[0].iter().map(|&v| v as f64).sum();
            if i >= warmup {
                times_ms.push(now_ms() - start);
            }
        }
        Ok(WorkerResponse::Bench(crate::protocol::BenchResult {
            model,
            engine: h.net.engine().to_string(),
            times_ms,
            memory_bytes: memory.wasm.max(self.memory().wasm),
            output_sum,
        }))
    }

    /// The gradient-flow experiment: a plain and a residual network at initialisation.
    pub fn gradient_flow(
        &self,
        config: crate::concepts::gradient_flow::FlowConfig,
    ) -> Result<WorkerResponse, Msg> {
        let start = now_ms();
        let flow =
            crate::concepts::gradient_flow::run(&crate::zoo::nets::resnet::RESNETS[1], &config)
                .map_err(|e| {
                    Msg::new("errors-gradient-flow-failed").arg("detail", e.to_string())
                })?;
        Ok(WorkerResponse::GradientFlow {
            flow,
            millis: now_ms() - start,
        })
    }
}
