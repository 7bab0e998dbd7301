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
        Command::Info { json: true, .. } | Command::Encode { json: true, .. }
    );
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
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

fn run(command: Command) -> Result<(), Failure> {
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
        Command::Presets => {
            for p in Preset::all_builtin() {
                println!(
                    "{:<18} {}×{} @{} dpi  {} / {}",
                    p.id, p.output.width, p.output.height, p.output.dpi, p.name_zh, p.name_en
                );
            }
        }
    }
    Ok(())
}
