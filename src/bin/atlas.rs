//! `atlas`: the native command line of ConvNet Atlas — a torchinfo-like summary of any network of
//! the zoo, and the CPU engine's self-check.

#[cfg(not(target_arch = "wasm32"))]
fn usage() -> ! {
    eprintln!(
        "usage: atlas <command>\n\n\
         commands:\n  \
         models                     list the networks of the zoo\n  \
         summary <model> [--json]   per-layer shapes, params, MACs, memory, receptive fields\n  \
         self-check                 run the CPU engine's self-check"
    );
    std::process::exit(2);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use atlas::zoo::{build, ids, summary};
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("models") => {
            for id in ids() {
                let net = build(id).expect("listed networks build");
                println!("{id:<22} {}", net.label);
            }
        }
        Some("summary") => {
            let Some(model) = args.get(1) else { usage() };
            let json = args.iter().any(|a| a == "--json");
            let Some(net) = build(model) else {
                eprintln!("unknown model '{model}'; known: {}", ids().join(", "));
                std::process::exit(2);
            };
            let s = summary::summarise(&net);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&s).expect("summary serialises")
                );
            } else {
                print!("{}", summary::to_text(&s));
            }
        }
        Some("self-check") => match atlas::engine_check::run() {
            Ok(c) if c.ok => println!(
                "candle CPU engine: ok (conv {:?}, matmul sum {})",
                c.conv, c.matmul_sum
            ),
            Ok(c) => {
                eprintln!("candle CPU engine gave wrong values: {c:?}");
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("candle CPU engine failed: {e}");
                std::process::exit(1);
            }
        },
        _ => usage(),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
