//! `atlas`: the native command line of ConvNet Atlas (model summaries, training, weight tools).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("models") => {
            for e in atlas::catalog::CATALOG {
                println!("{:<22} {}", e.id, e.label);
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
        _ => {
            eprintln!("usage: atlas <command>\n\ncommands:\n  models       list the networks\n  self-check   run the CPU engine's self-check");
            std::process::exit(2);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
