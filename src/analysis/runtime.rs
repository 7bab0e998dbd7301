//! The one place that knows which inference runtime we use (rten, pure Rust, loads `.onnx`
//! directly and builds for wasm32 with SIMD). Everything else sees [`Network`]: NHWC f32 in,
//! named f32 outputs back, so the runtime could change without touching the pipeline.

use rten::{Model, NodeId};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, Tensor};

use crate::error::{Error, Result};

/// A loaded model with one NHWC image input.
pub trait Network {
    /// Run on `data` laid out as `[1, height, width, channels]`; returns the outputs asked for at
    /// load time, in that order, as flat row-major vectors.
    fn run_channels(
        &self,
        data: Vec<f32>,
        height: usize,
        width: usize,
        channels: usize,
    ) -> Result<Vec<Vec<f32>>>;

    /// Run on an RGB input, `[1, height, width, 3]` (every model but the expression one).
    fn run(&self, data: Vec<f32>, height: usize, width: usize) -> Result<Vec<Vec<f32>>> {
        self.run_channels(data, height, width, 3)
    }
}

/// An rten model and the output nodes we read from it.
pub struct RtenNetwork {
    name: &'static str,
    model: Model,
    input: NodeId,
    outputs: Vec<NodeId>,
}

impl RtenNetwork {
    /// Load from bytes (the browser fetches them; natively they may be embedded). `outputs` names
    /// the graph outputs to return, in order.
    pub fn load(name: &'static str, bytes: Vec<u8>, outputs: &[&str]) -> Result<RtenNetwork> {
        let fail = |detail: String| Error::ModelLoad {
            model: name,
            detail,
        };
        let model = Model::load(bytes).map_err(|e| fail(e.to_string()))?;
        let input = *model
            .input_ids()
            .first()
            .ok_or_else(|| fail("model has no input".into()))?;
        let outputs = outputs
            .iter()
            .map(|want| {
                model
                    .output_ids()
                    .iter()
                    .copied()
                    .find(|&id| model.node_info(id).and_then(|i| i.name()) == Some(*want))
                    .ok_or_else(|| fail(format!("model has no output named '{want}'")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RtenNetwork {
            name,
            model,
            input,
            outputs,
        })
    }
}

impl Network for RtenNetwork {
    fn run_channels(
        &self,
        data: Vec<f32>,
        height: usize,
        width: usize,
        channels: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let fail = |detail: String| Error::Inference {
            model: self.name,
            detail,
        };
        if data.len() != height * width * channels {
            return Err(fail(format!(
                "input has {} values, expected {}",
                data.len(),
                height * width * channels
            )));
        }
        let input = NdTensor::from_data([1, height, width, channels], data);
        let values = self
            .model
            .run(vec![(self.input, input.into())], &self.outputs, None)
            .map_err(|e| fail(e.to_string()))?;
        values
            .into_iter()
            .map(|v| {
                let t: Tensor<f32> = v
                    .try_into()
                    .map_err(|e: rten::TryFromValueError| fail(e.to_string()))?;
                Ok(t.to_vec())
            })
            .collect()
    }
}

/// The values of one output, which must hold at least `len` of them. A different model that
/// happens to load with the same input and output names would otherwise hand back a short
/// buffer that later indexing trips over; this turns that into a typed error.
pub fn output<'a>(
    outputs: &'a [Vec<f32>],
    index: usize,
    len: usize,
    model: &'static str,
) -> Result<&'a [f32]> {
    match outputs.get(index) {
        Some(values) if values.len() >= len => Ok(&values[..len]),
        found => Err(Error::Inference {
            model,
            detail: format!(
                "output {index} has {} values, expected {len}",
                found.map_or(0, Vec::len)
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_output_is_a_typed_error() {
        let outputs = vec![vec![0.0; 10]];
        assert_eq!(output(&outputs, 0, 10, "m").unwrap().len(), 10);
        assert_eq!(output(&outputs, 0, 4, "m").unwrap().len(), 4);
        let e = output(&outputs, 0, 11, "m").unwrap_err();
        assert_eq!(e.code(), "model.inference_failed");
        assert!(output(&outputs, 1, 1, "m").is_err());
    }
}
