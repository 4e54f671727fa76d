//! Per-dispatch times of a network on the GPU (natively, for `atlas bench-gpu`): one forward in
//! which every dispatch runs in a compute pass of its own with the device's timestamps written at
//! its start and end (`TIMESTAMP_QUERY`, where the adapter has it). Separate from the timed
//! forwards: a pass per dispatch is not how the engine runs.

use super::device::kernel_name;
use super::{backend, bytes_of, GpuNetwork};
use crate::engine::EngineError;
use crate::zoo::graph::NodeId;

/// How long one dispatch took on the device.
#[derive(Clone, Debug)]
pub struct DispatchTime {
    /// The node it computes.
    pub node: NodeId,
    pub kernel: &'static str,
    /// Its workgroups.
    pub groups: u64,
    pub ms: f64,
}

/// Timestamps per query set (WebGPU allows 4,096).
const QUERIES: usize = 4096;

impl GpuNetwork {
    /// The node of each dispatch of a run that keeps only the output (the lean run, where it
    /// writes the output), in order: what the timed forwards dispatch.
    pub fn output_run_nodes(&self) -> Vec<NodeId> {
        (self.lowered.run_keeping(&[self.net.output()]))
            .map(|d| d.node)
            .collect()
    }

    /// One forward of `input` timed dispatch by dispatch; `None` where the device has no
    /// timestamps.
    pub fn profile(&mut self, input: &[f32]) -> Result<Option<Vec<DispatchTime>>, EngineError> {
        if !self.gpu.timestamps {
            return Ok(None);
        }
        crate::engine::checked_input(&self.net, input)?;
        let (dev, queue) = (&self.gpu.device, &self.gpu.queue);
        queue.write_buffer(
            &self.lowered.buffers[self.lowered.place[0].buffer],
            self.lowered.place[0].offset * 4,
            bytes_of(input),
        );
        // The dispatches of a run that keeps the output, as the timed forwards run.
        let dispatches: Vec<_> = self.lowered.run_keeping(&[self.net.output()]).collect();
        let sets: Vec<wgpu::QuerySet> = (0..(2 * dispatches.len()).div_ceil(QUERIES))
            .map(|_| {
                dev.create_query_set(&wgpu::QuerySetDescriptor {
                    label: Some("per-dispatch timestamps"),
                    ty: wgpu::QueryType::Timestamp,
                    count: QUERIES as u32,
                })
            })
            .collect();
        let bytes = (2 * dispatches.len() * 8) as u64;
        let resolved = dev.create_buffer(&wgpu::BufferDescriptor {
            label: Some("timestamps"),
            size: bytes.max(8),
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let staging = dev.create_buffer(&wgpu::BufferDescriptor {
            label: Some("timestamps read-back"),
            size: bytes.max(8),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut enc = dev.create_command_encoder(&Default::default());
        for (i, d) in dispatches.iter().enumerate() {
            let q = (2 * i % QUERIES) as u32;
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: None,
                timestamp_writes: Some(wgpu::ComputePassTimestampWrites {
                    query_set: &sets[2 * i / QUERIES],
                    beginning_of_pass_write_index: Some(q),
                    end_of_pass_write_index: Some(q + 1),
                }),
            });
            pass.set_pipeline(self.gpu.pipeline(d.pipeline));
            pass.set_bind_group(0, &d.bind, &[]);
            pass.dispatch_workgroups(d.grid[0], d.grid[1], d.grid[2]);
        }
        for (s, set) in sets.iter().enumerate() {
            let used = (2 * dispatches.len() - s * QUERIES).min(QUERIES);
            enc.resolve_query_set(set, 0..used as u32, &resolved, (s * QUERIES * 8) as u64);
        }
        enc.copy_buffer_to_buffer(&resolved, 0, &staging, 0, bytes.max(8));
        queue.submit([enc.finish()]);
        staging
            .slice(..)
            .map_async(wgpu::MapMode::Read, |r| r.expect("timestamps mapped"));
        dev.poll(wgpu::PollType::wait_indefinitely())
            .map_err(backend)?;
        if let Some(f) = self.gpu.fault() {
            return Err(backend(f));
        }
        let ticks: Vec<u64> = {
            let view = staging.slice(..).get_mapped_range().map_err(backend)?;
            view.chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect()
        };
        staging.unmap();
        let period = f64::from(queue.get_timestamp_period());
        Ok(Some(
            dispatches
                .iter()
                .enumerate()
                .map(|(i, d)| DispatchTime {
                    node: d.node,
                    kernel: kernel_name(d.pipeline),
                    groups: d.grid.iter().map(|&g| u64::from(g)).product(),
                    ms: ticks[2 * i + 1].saturating_sub(ticks[2 * i]) as f64 * period / 1e6,
                })
                .collect(),
        ))
    }
}
