//! Native half of `scripts/bench`: makes the benchmark inputs from the committed photos (a 12 MP
//! and a 3 MP JPEG, a 640×480 frame), times every stage, prints a table and writes
//! `target/bench/native.json`. The browser half (`www/bench.html`) reads the same input files.

use std::time::Instant;

use gradphoto::resample::{centre_crop, resample};
use image::RgbImage;

fn make(img: &RgbImage, w: u32, h: u32) -> Vec<u8> {
    let region = centre_crop(img.width(), img.height(), w, h);
    let out = resample(img, region, w, h).expect("resample");
    gradphoto::encode::encode_jpeg(&out, 92, 72).expect("encode")
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = root.join("target/bench/inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let grace = gradphoto::decode(
        &std::fs::read(root.join("tests/data/grace_hopper.jpg")).expect("read"),
        &Default::default(),
    )
    .expect("decode")
    .image;
    let astronaut = gradphoto::decode(
        &std::fs::read(root.join("tests/data/astronaut.png")).expect("read"),
        &Default::default(),
    )
    .expect("decode")
    .image;
    let cases = [
        ("12mp", make(&grace, 3024, 4032)),
        ("3mp", make(&grace, 1512, 2016)),
        ("640x480", make(&astronaut, 640, 480)),
    ];
    let models = gradphoto::ModelBytes::embedded();
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64() * 1000.0;
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut all = serde_json::Map::new();
    for (name, jpeg) in &cases {
        std::fs::write(inputs.join(format!("{name}.jpg")), jpeg).expect("write input");
        eprintln!("native: {name}…");
        let t = gradphoto::bench::measure(&models, jpeg, runs, &now).expect("measure");
        all.insert((*name).into(), serde_json::to_value(&t).expect("json"));
    }
    // One table: a row per stage, a column per input.
    let rows: &[(&str, &str)] = &[
        ("decode", "decode_ms"),
        ("working copy", "working_copy_ms"),
        ("detect", "detect_ms"),
        ("mesh (2 passes)", "mesh_ms"),
        ("segment", "segment_ms"),
        ("whole analyze", "analyze_ms"),
        ("live-guide analyze", "live_ms"),
        ("all checks", "check_ms"),
        ("  checks: context", "check_groups_ms.context"),
        ("  checks: framing", "check_groups_ms.framing"),
        ("  checks: face", "check_groups_ms.face"),
        ("  checks: attire", "check_groups_ms.attire"),
        ("  checks: scene", "check_groups_ms.scene"),
        ("  checks: lighting", "check_groups_ms.lighting"),
        ("  checks: quality", "check_groups_ms.quality"),
        ("  checks: capture", "check_groups_ms.capture"),
        ("centre crop+encode", "encode_ms"),
        ("framing (crop::plan)", "framing_ms"),
        ("cut", "cut_ms"),
        ("matte coarse+refine", "matte_ms"),
        ("decontam.+composite", "composite_ms"),
        ("downscale (linear)", "downscale_ms"),
        ("encode_to_spec", "encode_spec_ms"),
        ("closed-loop verify", "verify_ms"),
        ("standardize (full)", "standardize_ms"),
        ("standardize preview", "preview_ms"),
        ("whole pipeline", "pipeline_ms"),
        ("floor decode+encode", "floor_ms"),
    ];
    print!("{:<26}", "native, ms");
    for (name, _) in &cases {
        print!("{name:>10}");
    }
    println!();
    // Keys may name one nested field: "check_groups_ms.face".
    let cell = |name: &str, key: &str| match key
        .split('.')
        .try_fold(&all[name], |v, k| v.get(k))
        .and_then(|v| v.as_f64())
    {
        Some(v) => format!("{v:.1}"),
        None => "n/a".into(),
    };
    for (label, key) in rows {
        print!("{label:<26}");
        for (name, _) in &cases {
            print!("{:>10}", cell(name, key));
        }
        println!();
    }
    for model in ["detector", "detector_full_range", "landmarks", "segmenter"] {
        print!("{:<26}", format!("load {model}"));
        for (name, _) in &cases {
            let v = all[*name]["load_ms"].get(model).and_then(|v| v.as_f64());
            print!("{:>10}", v.map_or("n/a".into(), |v| format!("{v:.1}")));
        }
        println!();
    }
    for (name, _) in &cases {
        if let Some(why) = all[*name]["standardize_na"].as_str() {
            println!("{name}: standardisation n/a ({why})");
        }
    }
    let out = root.join("target/bench/native.json");
    std::fs::write(&out, serde_json::to_string_pretty(&all).expect("json")).expect("write");
    println!("(median of {runs} after a warm-up) → {}", out.display());
}
