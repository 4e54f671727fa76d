//! Entry point of the Web Worker: starts the worker that runs the engines.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    atlas::web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker is built for wasm32 by trunk: run `make serve`");
}
