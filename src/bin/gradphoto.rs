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
    /// List the built-in presets.
    Presets,
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
                println!(
                    "wrote {} ({}×{}, {} dpi, quality {}, {} bytes, {} encodes)",
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
        } => {
            let photo = gradphoto::decode(&read(&image)?, &Limits::default())?;
            let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded())?;
            let analysis = analyzer.analyze(&photo.image)?;
            if let Some(path) = overlay {
                gradphoto::overlay::draw(&photo.image, &analysis)
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
        Command::Presets => {
            for p in Preset::all_builtin() {
                println!(
                    "{:<18} {}×{} @{} dpi  {} / {}",
                    p.id, p.output.width, p.output.height, p.output.dpi, p.name_zh, p.name_en
                );
            }
        }
    }
    Ok(true)
}
