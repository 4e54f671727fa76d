//! The page's side of `make bench`: when the address has `?bench`, the page defines
//! `window.atlasBench(model, url, warmup, runs)`, which loads a checkpoint into the worker (the
//! same path a reader's download takes), times the prepared network's forward pass there, and
//! resolves with the worker's `BenchResult` as JSON; and `window.atlasBenchGpu`, the same for the
//! WebGPU engine on the page's main thread; `window.atlasLoseGpu()`, which destroys the worker's
//! WebGPU device as a lost GPU would (the end-to-end test of the fallback); and
//! `window.atlasCrashWorker(kind)`, which makes the worker panic (`"panic"`) or fail an allocation
//! (`"oom"`), as a bug would (the end-to-end test of the page surviving its worker). Nothing of
//! this runs in normal use.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::protocol::{WorkerRequest, WorkerResponse};
use crate::web::ui::shared::WorkerContext;

/// The pending call: its promise's resolve and reject, and the run to start once loaded.
struct Pending {
    resolve: js_sys::Function,
    reject: js_sys::Function,
    model: String,
    warmup: usize,
    runs: usize,
}

/// The window, when the page was opened with `?bench`.
fn bench_window() -> Option<web_sys::Window> {
    web_sys::window().filter(|w| w.location().search().is_ok_and(|s| s.contains("bench")))
}

/// Installs `window.atlasBench` when the page was opened with `?bench`.
pub fn install(ctx: &WorkerContext) {
    let Some(window) = bench_window() else {
        return;
    };
    let root = Rc::new(ctx.0.fork(None::<fn(WorkerResponse)>));
    let lose = {
        let root = root.clone();
        Closure::<dyn Fn()>::new(move || root.send(WorkerRequest::LoseGpuDevice))
    };
    let _ = js_sys::Reflect::set(
        &window,
        &"atlasLoseGpu".into(),
        lose.as_ref().unchecked_ref(),
    );
    lose.forget();
    // The test of the page surviving its worker: "panic" or "oom".
    let crash = Closure::<dyn Fn(String)>::new(move |kind: String| {
        let kind = match kind.as_str() {
            "oom" => crate::protocol::CrashKind::OutOfMemory,
            _ => crate::protocol::CrashKind::Panic,
        };
        root.send(WorkerRequest::Crash { kind });
    });
    let _ = js_sys::Reflect::set(
        &window,
        &"atlasCrashWorker".into(),
        crash.as_ref().unchecked_ref(),
    );
    crash.forget();
    let pending: Rc<RefCell<Option<Pending>>> = Rc::new(RefCell::new(None));
    let bridge_cell: Rc<RefCell<Option<Rc<crate::web::host::Bridge>>>> =
        Rc::new(RefCell::new(None));
    let bridge = {
        let (pending, cell) = (pending.clone(), bridge_cell.clone());
        Rc::new(ctx.0.fork(Some(move |answer: WorkerResponse| {
            let mut slot = pending.borrow_mut();
            let Some(p) = slot.as_ref() else { return };
            match answer {
                WorkerResponse::Loaded { .. } => {
                    if let Some(b) = cell.borrow().as_ref() {
                        b.send(WorkerRequest::Bench {
                            model: p.model.clone(),
                            warmup: p.warmup,
                            runs: p.runs,
                        });
                    }
                }
                WorkerResponse::Bench(r) => {
                    let json = serde_json::to_string(&r).unwrap_or_default();
                    let _ = p.resolve.call1(&JsValue::NULL, &json.into());
                    *slot = None;
                }
                WorkerResponse::Failed(m) => {
                    let _ = p.reject.call1(&JsValue::NULL, &m.en().into());
                    *slot = None;
                }
                _ => {}
            }
        })))
    };
    *bridge_cell.borrow_mut() = Some(bridge.clone());
    let call = Closure::<dyn Fn(String, String, usize, usize) -> js_sys::Promise>::new(
        move |model: String, url: String, warmup: usize, runs: usize| {
            let (pending, bridge) = (pending.clone(), bridge.clone());
            js_sys::Promise::new(&mut move |resolve, reject| {
                // Addresses are resolved against the page (the worker runs from a blob: script).
                let url = web_sys::window()
                    .and_then(|w| w.location().href().ok())
                    .and_then(|base| web_sys::Url::new_with_base(&url, &base).ok())
                    .map_or(url.clone(), |u| u.href());
                *pending.borrow_mut() = Some(Pending {
                    resolve,
                    reject,
                    model: model.clone(),
                    warmup,
                    runs,
                });
                bridge.send(WorkerRequest::FetchWeights {
                    model: model.clone(),
                    url: url.clone(),
                    cache: false,
                    label: url,
                });
            })
        },
    );
    let _ = js_sys::Reflect::set(&window, &"atlasBench".into(), call.as_ref().unchecked_ref());
    call.forget();
}

thread_local! {
    /// The WebGPU engine of the benchmark, opened once.
    static GPU: RefCell<Option<crate::engine::gpu::GpuEngine>> = const { RefCell::new(None) };
}

/// The WebGPU engine's forward time for `make bench`: the checkpoint at `url` prepared on the
/// engine, `warmup` runs, then `runs` timed ones, each ending when its logits are read back. On the
/// page's main thread, so that the worker's `Bench` keeps timing the CPU engine alone.
async fn bench_gpu(
    model: String,
    url: String,
    warmup: usize,
    runs: usize,
    kernels: String,
) -> Result<String, String> {
    use crate::engine::Engine;
    let engine = match GPU.with(|g| g.borrow().clone()) {
        Some(e) => e,
        None => {
            let e = crate::engine::gpu::GpuEngine::open()
                .await
                .map_err(|e| e.to_string())?;
            GPU.with(|g| *g.borrow_mut() = Some(e.clone()));
            e
        }
    };
    let adapter = match crate::web::backend::detect().await {
        crate::web::backend::Backend::WebGpu { adapter, fallback } => {
            format!("{adapter}{}", if fallback { " (software)" } else { "" })
        }
        crate::web::backend::Backend::Cpu { reason } => return Err(reason.en()),
    };
    let net = crate::zoo::build(&model).ok_or(format!("no model {model}"))?;
    let weights = crate::engine::safetensors::from_bytes(
        &crate::web::fetch::bytes(&url).await.map_err(|e| e.en())?,
    )
    .map_err(|e| e.to_string())?;
    let engine = match kernels.as_str() {
        "" => engine,
        k => engine.with_policy(crate::engine::gpu::kernels::KernelPolicy::parse(k)?),
    };
    let mut prepared = engine.prepare(&net, weights).map_err(|e| e.to_string())?;
    let input = crate::engine::splitmix::input(net_input_len(&net));
    let output = net.output();
    let mut times = Vec::new();
    let mut sum = 0f64;
    for i in 0..warmup + runs {
        let t = crate::engine::now_ms();
        let out = prepared
            .run_async(&input, &[output])
            .await
            .map_err(|e| e.to_string())?;
        let dt = crate::engine::now_ms() - t;
        if i >= warmup {
            times.push(dt);
        }
        sum = out.values[0].iter().map(|&v| v as f64).sum();
    }
    Ok(serde_json::json!({
        "engine": engine.name(),
        "adapter": adapter,
        "kernels": engine.policy().to_string(),
        "times_ms": times,
        "output_sum": sum,
        "memory_bytes": prepared.memory_bytes(),
    })
    .to_string())
}

fn net_input_len(net: &crate::zoo::Network) -> usize {
    net.input_shape().map_or(0, |s| s.iter().product())
}

/// Installs `window.atlasBenchGpu(model, url, warmup, runs, kernels)` beside `atlasBench`
/// (`?bench` only); `kernels` is a kernel policy (`KernelPolicy::parse`), empty for the engine's
/// own choice.
pub fn install_gpu() {
    let Some(window) = bench_window() else {
        return;
    };
    let call = Closure::<dyn Fn(String, String, usize, usize, String) -> js_sys::Promise>::new(
        |model: String, url: String, warmup: usize, runs: usize, kernels: String| {
            wasm_bindgen_futures::future_to_promise(async move {
                bench_gpu(model, url, warmup, runs, kernels)
                    .await
                    .map(JsValue::from)
                    .map_err(JsValue::from)
            })
        },
    );
    let _ = js_sys::Reflect::set(
        &window,
        &"atlasBenchGpu".into(),
        call.as_ref().unchecked_ref(),
    );
    call.forget();
}
