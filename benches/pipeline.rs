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
        .unwrap_or(5);
    let mut all = serde_json::Map::new();
    println!(
        "{:<9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8}",
        "input", "decode", "work", "detect", "mesh", "segment", "analyze", "encode", "loads"
    );
    for (name, jpeg) in &cases {
        std::fs::write(inputs.join(format!("{name}.jpg")), jpeg).expect("write input");
        let t = gradphoto::bench::measure(&models, jpeg, runs, &now).expect("measure");
        let loads: Vec<String> = t.load_ms.values().map(|v| format!("{v:.1}")).collect();
        println!(
            "{:<9} {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>9.1} {}",
            name,
            t.decode_ms,
            t.working_copy_ms,
            t.detect_ms,
            t.mesh_ms,
            t.segment_ms,
            t.analyze_ms,
            t.encode_ms,
            loads.join("/")
        );
        all.insert((*name).into(), serde_json::to_value(&t).expect("json"));
    }
    let out = root.join("target/bench/native.json");
    std::fs::write(&out, serde_json::to_string_pretty(&all).expect("json")).expect("write");
    println!(
        "(ms, median of {runs}; loads = detector/detector_full_range/landmarks/segmenter) → {}",
        out.display()
    );
}
