//! `gradphoto`: the pipeline from the command line.
//!
//! Exit status: 0 on success, 2 on an input error (the typed error is printed, as JSON with
//! `--json`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gradphoto::{Error, Limits, Preset};

#[derive(Parser)]
#[command(
    name = "gradphoto",
    version,
    about = "Graduation photo checks and standardisation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Describe a photo: dimensions, orientation, EXIF summary.
    Info {
        image: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Centre-crop to the preset's size and encode to its file spec (size search).
    Encode {
        image: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// Built-in preset id, or a path to a preset JSON file.
        #[arg(long, default_value = gradphoto::DEFAULT_PRESET)]
        preset: String,
        #[arg(long)]
        json: bool,
    },
    /// Find the face: box, 468 landmarks, eye line, pose, crown, person mask.
    Analyze {
        image: PathBuf,
        #[arg(long)]
        json: bool,
        /// Write a PNG with the analysis drawn over the photo.
        #[arg(long)]
        overlay: Option<PathBuf>,
        /// Write the person mask as a greyscale PNG at the photo's size (white = person).
        #[arg(long)]
        mask: Option<PathBuf>,
    },
    /// Judge a photo against every rule of the preset. Exit 1 when a rule fails.
    Check {
        image: PathBuf,
        /// Built-in preset id, or a path to a preset JSON file.
        #[arg(long, default_value = gradphoto::DEFAULT_PRESET)]
        preset: String,
        #[arg(long)]
        json: bool,
        /// Chinese hints (default English).
        #[arg(long)]
        zh: bool,
    },
    /// Standardise a photo: flat background, crop to the preset's geometry, encode to its file
    /// spec, verify the file. Exit 1 when the file fails its own check (a bug), 2 when the photo
    /// cannot be standardised (the error says what to change).
    Standardize {
        image: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// Built-in preset id, or a path to a preset JSON file.
        #[arg(long, default_value = gradphoto::DEFAULT_PRESET)]
        preset: String,
        /// Background colour `#RRGGBB` (default: the preset's).
        #[arg(long)]
        background: Option<String>,
        /// Write the standardisation report (JSON) here.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Close the loop by analysing the file again with the networks, independently of the
        /// source's analysis (slower; by default the analysis is mapped onto the file).
        #[arg(long, alias = "verify")]
        redetect: bool,
        #[arg(long)]
        json: bool,
    },
    /// Standardise every JPEG/PNG/WebP in a folder (all cores), print a summary table.
    Batch {
        dir: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long, default_value = gradphoto::DEFAULT_PRESET)]
        preset: String,
        #[arg(long)]
        background: Option<String>,
    },
    /// List the built-in presets.
    Presets,
    /// Run the sandbox backend: the collection API (docs/api.yaml), SQLite, and the demo pages.
    #[cfg(feature = "server")]
    Serve {
        /// Address to listen on; port 0 picks a free one (printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Where the database and the uploaded photos live.
        #[arg(long, default_value = "target/demo-data")]
        data: PathBuf,
        #[arg(long, default_value = "www")]
        www: PathBuf,
        #[arg(long, default_value = "pkg")]
        pkg: PathBuf,
        #[arg(long, default_value = "models")]
        models: PathBuf,
        /// The reviewer page's token, at least 12 characters (default: a random one, printed
        /// with the reviewer's link). Prefer the environment variable or a file: a command-line
        /// argument is visible to every user of the machine.
        #[arg(long, env = "GRADPHOTO_REVIEWER_TOKEN", hide_env_values = true)]
        reviewer_token: Option<String>,
        /// A file whose first line is the reviewer token.
        #[arg(long, conflicts_with = "reviewer_token")]
        reviewer_token_file: Option<PathBuf>,
        /// The preset uploads are checked against.
        #[arg(long, default_value = gradphoto::DEFAULT_PRESET)]
        preset: String,
        /// For tests: allow `POST /api/v1/test/clock` to move the server's clock forward (to see
        /// a verification lock lift). Never for a served demo.
        #[arg(long)]
        test_clock: bool,
    },
}

/// A failure the CLI reports: a typed pipeline error or a file-system problem.
enum Failure {
    Input(Error),
    Io(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Input(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = matches!(
        cli.command,
        Command::Info { json: true, .. }
            | Command::Encode { json: true, .. }
            | Command::Analyze { json: true, .. }
            | Command::Check { json: true, .. }
            | Command::Standardize { json: true, .. }
    );
    match run(cli.command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure::Input(e)) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "error": e.info() }))
                        .unwrap_or_default()
                );
            } else {
                eprintln!(
                    "error [{}]: {}\n{}",
                    e.code(),
                    e.message_en(),
                    e.message_zh()
                );
            }
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let limits = Limits::default();
    let meta =
        std::fs::metadata(path).map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
    if meta.len() > limits.max_bytes {
        return Err(Error::TooManyBytes {
            bytes: meta.len(),
            max: limits.max_bytes,
        }
        .into());
    }
    std::fs::read(path).map_err(|e| Failure::Io(format!("{}: {e}", path.display())))
}

fn load_preset(arg: &str) -> Result<Preset, Failure> {
    if arg.ends_with(".json") {
        let text = std::fs::read_to_string(arg).map_err(|e| Failure::Io(format!("{arg}: {e}")))?;
        Ok(Preset::from_json(&text)?)
    } else {
        Ok(Preset::builtin(arg)?)
    }
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// `Ok(false)` when the photo was judged and failed.
fn run(command: Command) -> Result<bool, Failure> {
    match command {
        Command::Info { image, json } => {
            let photo = gradphoto::decode(&read(&image)?, &Limits::default())?;
            let info = &photo.info;
            if json {
                print_json(info);
            } else {
                println!("format       {:?}", info.format);
                println!("file         {} bytes", info.file_bytes);
                println!("stored       {}×{}", info.stored_width, info.stored_height);
                println!(
                    "upright      {}×{} (EXIF orientation {})",
                    info.width, info.height, info.orientation
                );
                let e = &info.exif;
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                println!("camera       {} {}", show(&e.make), show(&e.model));
                println!("lens         {}", show(&e.lens_model));
                println!("software     {}", show(&e.software));
                println!(
                    "focal length {}",
                    e.focal_length_mm
                        .map_or("-".into(), |f| format!("{f:.1} mm"))
                );
                println!("taken        {}", show(&e.date_time_original));
            }
        }
        Command::Encode {
            image,
            output,
            preset,
            json,
        } => {
            let preset = load_preset(&preset)?;
            let photo = gradphoto::decode(&read(&image)?, &Limits::default())?;
            let encoded = gradphoto::centre_crop_encode(&photo.image, &preset.output)?;
            std::fs::write(&output, &encoded.bytes)
                .map_err(|e| Failure::Io(format!("{}: {e}", output.display())))?;
            if json {
                print_json(&encoded);
            } else {
                let smoothed = encoded.smoothed_sigma.map_or(String::new(), |s| {
                    format!(
                        ", smoothed σ {s} px to fit under the maximum at quality ≥ {}",
                        preset.output.min_quality
                    )
                });
                println!(
                    "wrote {} ({}×{}, {} dpi, quality {}, {} bytes, {} encodes{smoothed})",
                    output.display(),
                    encoded.width,
                    encoded.height,
                    encoded.dpi,
                    encoded.quality,
                    encoded.size_bytes,
                    encoded.attempts
                );
            }
        }
        Command::Analyze {
            image,
            json,
            overlay,
            mask,
        } => {
            let photo = gradphoto::decode(&read(&image)?, &Limits::default())?;
            let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded())?;
            let analysis = analyzer.analyze(&photo.image)?;
            if let Some(path) = overlay {
                gradphoto::overlay::draw(&photo.image, &analysis)
                    .save(&path)
                    .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
            }
            if let (Some(path), Some(m)) = (mask, &analysis.mask) {
                let (w, h) = photo.image.dimensions();
                image::GrayImage::from_raw(w, h, m.to_u8(w, h))
                    .ok_or_else(|| Failure::Io("the mask does not fit the photo".into()))?
                    .save(&path)
                    .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
            }
            if json {
                print_json(&analysis);
            } else {
                println!(
                    "{}×{}, {} face(s) ({} detector)",
                    analysis.image_width,
                    analysis.image_height,
                    analysis.faces.len(),
                    analysis.detector
                );
                for (i, f) in analysis.faces.iter().enumerate() {
                    let g = &f.geometry;
                    println!(
                        "face {i}: score {:.2}, box {:.0},{:.0} {:.0}×{:.0}, mesh score {:.2}",
                        f.score, f.bbox.x, f.bbox.y, f.bbox.width, f.bbox.height, f.landmark_score
                    );
                    println!(
                        "  eyes ({:.0},{:.0}) ({:.0},{:.0}), distance {:.1} px, line {:+.1}°",
                        g.eye_right.x,
                        g.eye_right.y,
                        g.eye_left.x,
                        g.eye_left.y,
                        g.inter_eye_px,
                        g.eye_line_deg
                    );
                    println!(
                        "  face width {:.1} px, chin ({:.0},{:.0})",
                        g.face_width_px, g.chin.x, g.chin.y
                    );
                    if let Some(p) = g.pose {
                        println!(
                            "  pose yaw {:+.1}°, pitch {:+.1}°, roll {:+.1}° (fit error {:.3})",
                            p.yaw_deg, p.pitch_deg, p.roll_deg, p.fit_error
                        );
                    }
                    println!(
                        "  mouth open {:.3}, eyes open {:.3} / {:.3}",
                        g.mouth_open_ratio, g.eye_open_right, g.eye_open_left
                    );
                    match g.crown {
                        Some(c) => println!(
                            "  crown ({:.0},{:.0}){}",
                            c.x,
                            c.y,
                            if g.crown_at_edge {
                                " at the image edge (cut off)"
                            } else {
                                ""
                            }
                        ),
                        None => println!("  crown not found"),
                    }
                }
            }
        }
        Command::Check {
            image,
            preset,
            json,
            zh,
        } => {
            let preset = load_preset(&preset)?;
            let photo = gradphoto::decode(&read(&image)?, &Limits::default())?;
            let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded())?;
            let analysis = analyzer.analyze(&photo.image)?;
            let report = gradphoto::check(&photo, &analysis, &preset)?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "{} — {} face(s), verdict {:?}",
                    report.preset, report.faces, report.verdict
                );
                for r in &report.rules {
                    let measured = r.measured.map_or("–".to_string(), |v| format!("{v}"));
                    let allowed = r.allowed.map_or(String::new(), |a| {
                        format!(
                            "[{}, {}]",
                            a.min.map_or("".into(), |v| v.to_string()),
                            a.max.map_or("".into(), |v| v.to_string())
                        )
                    });
                    let hint = if zh { &r.hint_zh } else { &r.hint_en };
                    println!(
                        "{:<14} {:<24} {:>9} {:<12} {:<11} {}",
                        format!("{:?}", r.status),
                        r.id,
                        measured,
                        allowed,
                        r.unit,
                        hint
                    );
                }
            }
            return Ok(report.verdict != gradphoto::checks::Verdict::Fail);
        }
        Command::Standardize {
            image,
            output,
            preset,
            background,
            report,
            redetect,
            json,
        } => {
            let preset = load_preset(&preset)?;
            let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded())?;
            let options = gradphoto::standardize::Options {
                background,
                closed_loop: if redetect {
                    gradphoto::standardize::ClosedLoop::Redetect
                } else {
                    gradphoto::standardize::ClosedLoop::Mapped
                },
                ..Default::default()
            };
            let out = standardize_file(&analyzer, &image, &output, &preset, &options)?;
            if let Some(path) = report {
                let text = serde_json::to_string_pretty(&out).unwrap_or_default();
                std::fs::write(&path, text)
                    .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
            }
            if json {
                print_json(&out);
            } else {
                println!("wrote {}: {}", output.display(), summary(&out));
                for r in out.rules.iter().filter(|r| r.status != Status::Pass) {
                    println!("  {:?} {} {:?}: {}", r.status, r.id, r.measured, r.hint_en);
                }
            }
            return Ok(out.verdict != Verdict::Fail);
        }
        Command::Batch {
            dir,
            output,
            preset,
            background,
        } => return batch(&dir, &output, &load_preset(&preset)?, &background),
        Command::Presets => {
            for p in Preset::all_builtin() {
                println!(
                    "{:<18} {}×{} @{} dpi  {} / {}",
                    p.id, p.output.width, p.output.height, p.output.dpi, p.name_zh, p.name_en
                );
            }
        }
        #[cfg(feature = "server")]
        Command::Serve {
            addr,
            data,
            www,
            pkg,
            models,
            reviewer_token,
            reviewer_token_file,
            preset,
            test_clock,
        } => {
            let (reviewer_token, generated) =
                reviewer_token_or_random(reviewer_token, reviewer_token_file)?;
            serve(
                addr,
                gradphoto::server::Config {
                    data_dir: data,
                    www,
                    pkg,
                    models,
                    reviewer_token,
                    preset: load_preset(&preset)?,
                    test_clock,
                    timeouts: Default::default(),
                },
                generated,
            )?
        }
    }
    Ok(true)
}

/// Shortest reviewer token accepted: the token is the reviewer's only key.
#[cfg(feature = "server")]
const MIN_TOKEN_CHARS: usize = 12;

/// The reviewer token given (argument, environment or file), or a random one, and whether it was
/// made here (then the server prints the reviewer's link with it; a given one is never printed).
#[cfg(feature = "server")]
fn reviewer_token_or_random(
    given: Option<String>,
    file: Option<PathBuf>,
) -> Result<(String, bool), Failure> {
    let given = match file {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        None => given,
    };
    match given.map(|t| t.trim().to_string()) {
        Some(t) if t.chars().count() >= MIN_TOKEN_CHARS => Ok((t, false)),
        Some(_) => Err(Failure::Io(format!(
            "the reviewer token must be at least {MIN_TOKEN_CHARS} characters"
        ))),
        None => {
            let mut bytes = [0u8; 12];
            getrandom::fill(&mut bytes).map_err(|e| Failure::Io(e.to_string()))?;
            Ok((bytes.iter().map(|b| format!("{b:02x}")).collect(), true))
        }
    }
}

#[cfg(feature = "server")]
fn serve(
    addr: std::net::SocketAddr,
    config: gradphoto::server::Config,
    show_token: bool,
) -> Result<(), Failure> {
    use gradphoto::server::AppState;
    use std::sync::Arc;
    let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded())?;
    let state = AppState::open(config, Some(analyzer), Arc::new(|line| eprintln!("{line}")))
        .map_err(Failure::Io)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(e.to_string()))?;
    runtime
        .block_on(gradphoto::server::run(addr, state, show_token))
        .map_err(|e| Failure::Io(format!("serve {addr}: {e}")))
}

use gradphoto::checks::{Status, Verdict};
use gradphoto::standardize::StandardizeReport;

fn standardize_file(
    analyzer: &gradphoto::Analyzer,
    image: &Path,
    output: &Path,
    preset: &Preset,
    options: &gradphoto::standardize::Options,
) -> Result<StandardizeReport, Failure> {
    let photo = gradphoto::decode(&read(image)?, &Limits::default())?;
    let done = gradphoto::standardize(analyzer, &photo, preset, options)?;
    let jpeg = done.jpeg.unwrap_or_default();
    std::fs::write(output, jpeg).map_err(|e| Failure::Io(format!("{}: {e}", output.display())))?;
    Ok(done.report)
}

fn summary(r: &StandardizeReport) -> String {
    let file = r.file.as_ref().map_or(String::new(), |f| {
        format!(
            "{}×{}, {} bytes, quality {}, {} dpi",
            f.width, f.height, f.size_bytes, f.quality, f.dpi
        )
    });
    let geometry = r.measured.map_or("geometry not re-detected".into(), |m| {
        let crown = m
            .crown_px
            .map_or("crown not seen against the background".into(), |c| {
                format!("crown {c:.0} px")
            });
        let figure = |v: Option<f32>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
        format!(
            "{crown}, eyes {:.0} px, face {:.0} px wide; edge steps {} px, band {} over {} columns ({} against the photo's own edge: steps {} px, band {}; the edge {} px outside the photo's)",
            m.eye_line_px,
            m.face_width_px,
            figure(m.edges.steps_px),
            figure(m.edges.band_share),
            m.edges.columns,
            m.edges.against_source,
            figure(m.edges.photo_steps_px),
            figure(m.edges.photo_band_share),
            figure(m.edges.outside_px),
        )
    });
    format!("{file}; {geometry}; verdict {:?}", r.verdict)
}

/// Standardise a folder on every core; one analyzer per worker thread.
fn batch(
    dir: &Path,
    output: &Path,
    preset: &Preset,
    background: &Option<String>,
) -> Result<bool, Failure> {
    let io = |p: &Path, e: std::io::Error| Failure::Io(format!("{}: {e}", p.display()));
    let options = gradphoto::standardize::Options {
        background: background.clone(),
        ..Default::default()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["jpg", "jpeg", "png", "webp"].contains(&e.to_ascii_lowercase().as_str())
            })
        })
        .collect();
    files.sort();
    std::fs::create_dir_all(output).map_err(|e| io(output, e))?;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let total = files.len();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded());
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let name = file
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string();
                    let target = output.join(format!("{name}.jpg"));
                    let outcome = match &analyzer {
                        Ok(a) => standardize_file(a, file, &target, preset, &options)
                            .map(|r| summary(&r))
                            .map_err(|f| match f {
                                Failure::Input(e) => format!("[{}] {}", e.code(), e.message_en()),
                                Failure::Io(m) => m,
                            }),
                        Err(e) => Err(e.message_en()),
                    };
                    if let Ok(mut r) = results.lock() {
                        r.push((i, name, outcome));
                    }
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    let bar = "#".repeat(n * 30 / total.max(1));
                    eprint!("\r[{bar:<30}] {n}/{total}");
                }
            });
        }
    });
    eprintln!();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| r.0);
    let mut ok = 0;
    for (_, name, outcome) in &results {
        match outcome {
            Ok(s) => {
                ok += 1;
                println!("{:<5} {name:<32} {s}", "ok");
            }
            Err(e) => println!("{:<5} {name:<32} {e}", "FAIL"),
        }
    }
    println!(
        "{ok} of {} standardised into {}",
        results.len(),
        output.display()
    );
    Ok(ok == results.len())
}
