//! Raw Argon2id rate: one hash after another on every thread for a fixed time, with the
//! authority's parameters (OWASP: m=19456 KiB, t=2, p=1). This is the ceiling for logins/s,
//! since each login verifies one password. Each thread reuses its 19 MiB of working memory
//! from one hash to the next, as the authority does: allocating and zeroing it per hash adds
//! page faults whose cost swings from run to run. Prints one JSON line
//! `{threads, hashes, duration_secs, hashes_per_sec, m_kib, t, p}`.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use clap::Parser;

const M_KIB: u32 = 19_456;
const T: u32 = 2;
const P: u32 = 1;

#[derive(Parser, Debug)]
#[command(about = "Raw Argon2id hashes per second on all cores")]
struct Args {
    /// How long to hash.
    #[arg(long, default_value_t = 5.0)]
    duration_secs: f64,
    /// Threads (default: the number of cores available to this process).
    #[arg(long)]
    threads: Option<usize>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.duration_secs <= 0.0 {
        bail!("--duration-secs must be positive");
    }
    let threads = args.threads.unwrap_or_else(|| {
        thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if threads == 0 {
        bail!("--threads must be positive");
    }
    let duration = Duration::from_secs_f64(args.duration_secs);
    let handles: Vec<_> = (0..threads)
        .map(|i| thread::spawn(move || hash_for(i, duration)))
        .collect();
    let mut hashes = 0u64;
    let mut rate = 0.0;
    for h in handles {
        let (count, elapsed) = h.join().expect("hashing thread panicked")?;
        hashes += count;
        rate += count as f64 / elapsed.as_secs_f64();
    }
    let line = serde_json::json!({
        "threads": threads,
        "hashes": hashes,
        "duration_secs": args.duration_secs,
        "hashes_per_sec": (rate * 100.0).round() / 100.0,
        "m_kib": M_KIB,
        "t": T,
        "p": P,
    });
    println!("{line}");
    Ok(())
}

/// Hashes until `duration` has passed; returns how many and how long they took.
fn hash_for(thread: usize, duration: Duration) -> Result<(u64, Duration)> {
    let params = Params::new(M_KIB, T, P, Some(32)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = format!("sessiondesk-bench-salt-{thread:04}");
    let mut out = [0u8; 32];
    let mut memory = vec![Block::default(); params.block_count()];
    let started = Instant::now();
    let mut count = 0u64;
    while started.elapsed() < duration {
        let password = format!("bench-password-{count}");
        argon2
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt.as_bytes(),
                &mut out,
                &mut memory,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        count += 1;
    }
    Ok((count, started.elapsed()))
}
