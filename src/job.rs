//! One photo checked and standardised a stage at a time: analyse, check, standardise (render,
//! encode, closed loop). The browser's worker runs a [`Job`] step by step and returns to its event
//! loop between steps, to report the stage to the page and to drop the job when the graduate has
//! picked another photo meanwhile; a WASM call cannot be interrupted, so the stages are where a
//! superseded photo stops.

use serde::Serialize;

use crate::analysis::{Analysis, Analyzer};
use crate::checks::Report;
use crate::error::{Error, Result};
use crate::input::Photo;
use crate::preset::Preset;
use crate::standardize::{standardize_analyzed, Options, Standardized};

/// The stage a [`Job`] runs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum PipelineStage {
    /// Face detection, mesh and person mask.
    Analyse,
    /// Every rule of the preset.
    Check,
    /// Crop, matte, composite, encode to the file spec, closed loop.
    Standardise,
    /// Nothing left: take the [`Outcome`].
    Done,
}

impl PipelineStage {
    pub fn as_str(self) -> &'static str {
        match self {
            PipelineStage::Analyse => "analyse",
            PipelineStage::Check => "check",
            PipelineStage::Standardise => "standardise",
            PipelineStage::Done => "done",
        }
    }
}

/// What a finished job gives: the report, and the standardised photo or why there is none (a
/// photo that cannot be standardised is an expected outcome, which the report explains).
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub standardized: std::result::Result<Standardized, Error>,
}

/// A decoded photo on its way through the pipeline.
#[derive(Debug)]
pub struct Job {
    photo: Photo,
    preset: Preset,
    options: Options,
    analysis: Option<Analysis>,
    report: Option<Report>,
    standardized: Option<std::result::Result<Standardized, Error>>,
}

impl Job {
    pub fn new(photo: Photo, preset: Preset, options: Options) -> Job {
        Job {
            photo,
            preset,
            options,
            analysis: None,
            report: None,
            standardized: None,
        }
    }

    pub fn next(&self) -> PipelineStage {
        match (&self.analysis, &self.report, &self.standardized) {
            (None, _, _) => PipelineStage::Analyse,
            (Some(_), None, _) => PipelineStage::Check,
            (Some(_), Some(_), None) => PipelineStage::Standardise,
            _ => PipelineStage::Done,
        }
    }

    /// Run the next stage; the stage after it. An error of the analysis or the checks ends the
    /// job (the photo cannot be judged); one of standardisation is kept in the outcome.
    pub fn step(&mut self, analyzer: &Analyzer) -> Result<PipelineStage> {
        let Some(analysis) = &self.analysis else {
            self.analysis = Some(analyzer.analyze(&self.photo.image)?);
            return Ok(self.next());
        };
        if self.report.is_none() {
            self.report = Some(crate::check(&self.photo, analysis, &self.preset)?);
        } else if self.standardized.is_none() {
            self.standardized = Some(match self.report.as_ref().and_then(watermarked) {
                Some(refused) => Err(refused),
                None => standardize_analyzed(
                    analyzer,
                    &self.photo,
                    analysis,
                    &self.preset,
                    &self.options,
                ),
            });
        }
        Ok(self.next())
    }

    /// Every remaining stage.
    pub fn run(mut self, analyzer: &Analyzer) -> Result<Outcome> {
        while self.step(analyzer)? != PipelineStage::Done {}
        self.finish()
    }

    /// The outcome of a finished job; [`Error::JobUnfinished`] before the last stage.
    pub fn finish(self) -> Result<Outcome> {
        let next = self.next().as_str();
        match (self.report, self.standardized) {
            (Some(report), Some(standardized)) => Ok(Outcome {
                report,
                standardized,
            }),
            _ => Err(Error::JobUnfinished { next }),
        }
    }
}

/// A photo whose watermark rule fails (its confident band) is not standardised: the stamp would
/// stay in a file that looks clean. The other failing rules are the graduate's to fix, and the
/// standardised photo still shows what the crop and background make of the rest.
fn watermarked(report: &Report) -> Option<Error> {
    let rule = report
        .rules
        .iter()
        .find(|r| r.id == "capture.watermark" && r.status == crate::checks::Status::Fail)?;
    Some(Error::Watermarked {
        measured: rule.measured?,
        limit: rule.allowed.as_ref()?.max?,
    })
}
