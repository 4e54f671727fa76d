//! Running a network lowered onto the GPU: a run writes the input, records every dispatch and
//! the copies of the kept outputs into command buffers of growing size, submits each as soon as
//! it is recorded, and reads back only the kept nodes' outputs (a folded convolution's own output recovered from its norm's). The
//! weights the network computes with are read back the same way (`Prepared::weights`).
//! Results come back asynchronously; natively the synchronous calls wait for them
//! (`device.poll`), in the browser only the asynchronous ones work (a worker cannot block).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::lower::{self, Held};
use super::{backend, bytes_of, GpuNetwork};
use crate::engine::fold;
use crate::engine::plan::Fate;
use crate::engine::{Activations, EngineError, Prepared, Weights};
use crate::zoo::graph::{Network, NodeId, Op};
use crate::zoo::params::Role;

/// The dispatches of a chunked run's first command buffer; each next one holds twice as many.
/// Small, so that the device starts early; doubling, so that a network of n dispatches takes
/// about log2(n / 4) submissions, each of which costs the host a little.
const FIRST_CHUNK: usize = 4;

/// What the host spent on the last run before the device had all of it: the time from its start
/// to its last submission (writing the input, recording and submitting every command buffer),
/// and how many submissions it made (`make bench-gpu` reports it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Recorded {
    pub ms: f64,
    pub submits: usize,
}

/// A submitted run whose kept outputs are being copied into `staging`.
struct Pending {
    staging: wgpu::Buffer,
    wanted: Vec<NodeId>,
    sizes: Vec<u64>,
    mapped: Mapped,
}

/// Resolves when `map_async` has called back: natively after `device.poll` waits, in the browser
/// from the event loop.
struct Mapped(Arc<Mutex<MapState>>);

/// The callback's result once it came, and the task to wake then.
type MapState = (Option<Result<(), wgpu::BufferAsyncError>>, Option<Waker>);

impl Future for Mapped {
    type Output = Result<(), wgpu::BufferAsyncError>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match s.0.take() {
            Some(r) => Poll::Ready(r),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl GpuNetwork {
    /// Writes the input, records every dispatch and the copies of the kept outputs, submits
    /// them and asks for the read-back buffer to be mapped. Chunked (`KernelPolicy::chunks`), the
    /// dispatches go in command buffers of 4, 8, 16, … dispatches, each submitted as soon as it
    /// is recorded, so that the device computes the first layers while the host still records
    /// the later ones (as a CUDA stream runs kernels while the next are launched); in one command
    /// buffer the device waits for the whole network to be recorded.
    fn submit(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Pending, EngineError> {
        let start = crate::engine::now_ms();
        let wanted = crate::engine::wanted_nodes(&self.net, &self.an, input, keep)?;
        let (dev, queue) = (&self.gpu.device, &self.gpu.queue);
        queue.write_buffer(
            &self.lowered.buffers[self.lowered.place[0].buffer],
            self.lowered.place[0].offset * 4,
            bytes_of(input),
        );
        let mut dispatches = self.lowered.run_keeping(&wanted).peekable();
        let mut chunk = if self.lowered.chunked {
            FIRST_CHUNK
        } else {
            usize::MAX
        };
        let mut enc = dev.create_command_encoder(&Default::default());
        let mut submits = 0;
        loop {
            {
                let mut pass = enc.begin_compute_pass(&Default::default());
                for d in dispatches.by_ref().take(chunk) {
                    pass.set_pipeline(self.gpu.pipeline(d.pipeline));
                    pass.set_bind_group(0, &d.bind, &[]);
                    pass.dispatch_workgroups(d.grid[0], d.grid[1], d.grid[2]);
                }
            }
            if dispatches.peek().is_none() {
                break;
            }
            queue.submit([enc.finish()]);
            submits += 1;
            enc = dev.create_command_encoder(&Default::default());
            chunk = chunk.saturating_mul(2);
        }
        // Read back only the kept nodes, into one staging buffer.
        let sizes: Vec<u64> = wanted
            .iter()
            .map(|&id| self.an.layers[id].activations * 4)
            .collect();
        let total: u64 = sizes.iter().sum::<u64>().max(4);
        // The read-back buffer of the last run is used again for the same outputs (the logits of
        // every photo): made once, not per forward.
        let staging = match self.staging.take() {
            Some((kept, buffer)) if kept == wanted => buffer,
            _ => dev.create_buffer(&wgpu::BufferDescriptor {
                label: Some("read-back"),
                size: total,
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
        };
        let mut at = 0;
        for (&id, &size) in wanted.iter().zip(&sizes) {
            if size > 0 {
                let p = self.lowered.place[id];
                enc.copy_buffer_to_buffer(
                    &self.lowered.buffers[p.buffer],
                    p.offset * 4,
                    &staging,
                    at,
                    size,
                );
            }
            at += size;
        }
        queue.submit([enc.finish()]);
        self.recorded = Recorded {
            ms: crate::engine::now_ms() - start,
            submits: submits + 1,
        };
        let mapped = map(&staging);
        #[cfg(not(target_arch = "wasm32"))]
        dev.poll(wgpu::PollType::wait_indefinitely())
            .map_err(backend)?;
        Ok(Pending {
            staging,
            wanted,
            sizes,
            mapped,
        })
    }

    /// The kept outputs from the mapped read-back buffer.
    fn collect(&mut self, p: Pending) -> Result<Activations, EngineError> {
        let Pending {
            staging,
            wanted,
            sizes,
            ..
        } = p;
        let all = floats(&staging)?;
        staging.unmap();
        self.staging = Some((wanted.clone(), staging));
        let mut shapes = Vec::with_capacity(wanted.len());
        let mut values = Vec::with_capacity(wanted.len());
        let mut at = 0;
        for (&id, &size) in wanted.iter().zip(&sizes) {
            let v = &all[at..at + size as usize / 4];
            at += size as usize / 4;
            shapes.push(self.an.layers[id].shape.clone());
            values.push(match &self.lowered.folded[id] {
                Some(f) => f.unfold(v),
                None => v.to_vec(),
            });
        }
        Ok(Activations { shapes, values })
    }
}

impl Prepared for GpuNetwork {
    fn network(&self) -> &Network {
        &self.net
    }

    fn engine(&self) -> &'static str {
        "WebGPU"
    }

    fn run(&mut self, input: &[f32], keep: &[NodeId]) -> Result<Activations, EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        return pollster::block_on(self.run_async(input, keep));
        #[cfg(target_arch = "wasm32")]
        {
            let _ = (input, keep);
            Err(backend(
                "in the browser the results come back asynchronously: use run_async",
            ))
        }
    }

    fn run_async<'a>(
        &'a mut self,
        input: &'a [f32],
        keep: &'a [NodeId],
    ) -> Pin<Box<dyn Future<Output = Result<Activations, EngineError>> + 'a>> {
        Box::pin(async move {
            if let Some(f) = self.gpu.fault() {
                return Err(backend(f));
            }
            let scope = self
                .gpu
                .device
                .push_error_scope(wgpu::ErrorFilter::Validation);
            let pending = self.submit(input, keep);
            let error = scope.pop().await;
            let mut pending = pending?;
            if let Some(e) = error {
                return Err(backend(e));
            }
            (&mut pending.mapped).await.map_err(backend)?;
            match self.gpu.fault() {
                Some(f) => Err(backend(f)),
                None => self.collect(pending),
            }
        })
    }

    fn memory_bytes(&self) -> u64 {
        self.lowered.bytes
    }

    fn weights(&self) -> Result<Weights, EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        return pollster::block_on(self.weights_async());
        #[cfg(target_arch = "wasm32")]
        Err(backend(
            "in the browser the weights come back asynchronously: use weights_async",
        ))
    }

    fn weights_async(&self) -> Pin<Box<dyn Future<Output = Result<Weights, EngineError>> + '_>> {
        Box::pin(async move {
            if let Some(f) = self.gpu.fault() {
                return Err(backend(f));
            }
            let staged = self.read_back_weights()?;
            let mut host = Vec::with_capacity(staged.len());
            for ((staging, mapped), w) in staged.into_iter().zip(&self.lowered.weights) {
                mapped.await.map_err(backend)?;
                let values = {
                    let view = staging.slice(..).get_mapped_range().map_err(backend)?;
                    w.values(&view)
                };
                staging.unmap();
                host.push(values);
            }
            if let Some(f) = self.gpu.fault() {
                return Err(backend(f));
            }
            fold::given_back(&self.net, |id, role| self.given_back(&mut host, id, role))
        })
    }
}

/// The floats of a mapped read-back buffer.
fn floats(staging: &wgpu::Buffer) -> Result<Vec<f32>, EngineError> {
    let view = staging.slice(..).get_mapped_range().map_err(backend)?;
    Ok(super::floats_of(&view))
}

/// Asks for `staging` to be mapped for reading; the future resolves when it is.
fn map(staging: &wgpu::Buffer) -> Mapped {
    let state = Arc::new(Mutex::new((None, None::<Waker>)));
    let st = state.clone();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let mut s = st.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = Some(r);
        if let Some(w) = s.1.take() {
            w.wake();
        }
    });
    Mapped(state)
}

impl GpuNetwork {
    /// Copies every weight buffer into a read-back buffer of its own (one binding's size at
    /// most, where one buffer for all might exceed the device's limit), submits the copies and
    /// asks for the read-back buffers to be mapped.
    fn read_back_weights(&self) -> Result<Vec<(wgpu::Buffer, Mapped)>, EngineError> {
        let (dev, queue) = (&self.gpu.device, &self.gpu.queue);
        let mut enc = dev.create_command_encoder(&Default::default());
        let staging: Vec<wgpu::Buffer> = self
            .lowered
            .weights
            .iter()
            .map(|w| {
                let size = w.size();
                let staging = dev.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("weights read-back"),
                    size,
                    usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                });
                enc.copy_buffer_to_buffer(&w.buf, 0, &staging, 0, size);
                staging
            })
            .collect();
        queue.submit([enc.finish()]);
        let staged = staging
            .into_iter()
            .map(|s| {
                let m = map(&s);
                (s, m)
            })
            .collect();
        #[cfg(not(target_arch = "wasm32"))]
        dev.poll(wgpu::PollType::wait_indefinitely())
            .map_err(backend)?;
        Ok(staged)
    }

    /// The values of tensor `role` of node `id` from the weights read back (`host`, by weight
    /// buffer; large ones are taken): a folded norm unfolded again as [`fold::given_back`] says.
    fn given_back(
        &self,
        host: &mut [Vec<f32>],
        id: NodeId,
        role: Role,
    ) -> Result<Vec<f32>, EngineError> {
        let node = &self.net.nodes[id];
        let missing = || EngineError::Checkpoint(format!("{} holds no {role:?} tensor", node.name));
        let folded = &self.lowered.folded;
        match (&self.lowered.held[id], node.op.base(), role) {
            (
                Held::Conv {
                    w: at,
                    layout,
                    winograd,
                    ..
                },
                Op::Conv2d(c),
                Role::Weight,
            ) => {
                let w = layout.restore(&std::mem::take(&mut host[*at]));
                let w = match winograd {
                    Some(wt) => {
                        let cg = self.an.layers[node.inputs[0]].shape[0] / c.groups;
                        lower::winograd_unweights(&w, c.out_channels, cg, *wt)
                    }
                    None => w,
                };
                Ok(match &folded[id] {
                    Some(f) => f.unfold_weights(w),
                    None => w,
                })
            }
            (Held::Conv { aux2, .. }, Op::Conv2d(c), Role::Bias) if c.bias => {
                let b = &host[*aux2][..c.out_channels];
                Ok(match &folded[id] {
                    Some(f) => f.unfold_bias(b),
                    None => b.to_vec(),
                })
            }
            (Held::Nothing, Op::BatchNorm2d { .. }, _) => {
                let Fate::Folded { conv } = self.plan.fate(id) else {
                    return Err(missing());
                };
                folded[conv].as_ref().ok_or_else(missing)?.as_norm(role)
            }
            (Held::Norm { scale, shift }, Op::BatchNorm2d { eps }, _) => {
                fold::affine_as_norm(&host[*scale], &host[*shift], *eps, role)
            }
            (Held::Linear { chunks, .. }, _, Role::Weight) => Ok(chunks
                .iter()
                .flat_map(|&c| std::mem::take(&mut host[c]))
                .collect()),
            (Held::Linear { bias: Some(b), .. }, _, Role::Bias) => Ok(host[*b].clone()),
            (Held::Subsample { coeff, .. }, _, Role::Weight) => Ok(host[*coeff].clone()),
            (Held::Subsample { bias, .. }, _, Role::Bias) => Ok(host[*bias].clone()),
            _ => Err(missing()),
        }
    }
}
