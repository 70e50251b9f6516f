//! Plain f32 tensors: a shape and row-major data. The interface stays this
//! small on purpose: every model here takes and returns f32 arrays, and
//! callers build them from images with ordinary loops.

use crate::InferError;

/// A dense f32 tensor in row-major (C) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    shape: Vec<usize>,
    data: Vec<f32>,
}

impl Tensor {
    /// A tensor from its shape and data; the product of the dimensions must
    /// equal `data.len()`. (A zero dimension is allowed here, e.g. for an
    /// empty output, but [`Model::run`](crate::Model::run) refuses it as an
    /// input: ONNX Runtime cannot wrap empty buffers.)
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self, InferError> {
        let expected = element_count(&shape)?;
        if expected != data.len() {
            return Err(InferError::InvalidTensor(format!(
                "shape {shape:?} holds {expected} elements but {} were given",
                data.len()
            )));
        }
        Ok(Self { shape, data })
    }

    /// A tensor of zeros.
    pub fn zeros(shape: Vec<usize>) -> Result<Self, InferError> {
        let n = element_count(&shape)?;
        Ok(Self {
            shape,
            data: vec![0.0; n],
        })
    }

    /// The dimensions, outermost first.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// The elements, mutable (the shape stays fixed).
    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Takes the elements out.
    pub fn into_data(self) -> Vec<f32> {
        self.data
    }
}

/// The number of elements of `shape`, rejecting overflow.
fn element_count(shape: &[usize]) -> Result<usize, InferError> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| InferError::InvalidTensor(format!("shape {shape:?} has too many elements")))
}

/// The outputs of one [`Model::run`](crate::Model::run), in the model's
/// output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub(crate) model: String,
    pub(crate) items: Vec<(String, Tensor)>,
}

impl Outputs {
    /// The output with this name, if the model has one.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.items.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    /// Removes and returns the output with this name.
    pub fn take(&mut self, name: &str) -> Result<Tensor, InferError> {
        match self.items.iter().position(|(n, _)| n == name) {
            Some(i) => Ok(self.items.remove(i).1),
            None => Err(InferError::Output {
                model: self.model.clone(),
                name: name.to_owned(),
                message: "the model has no such output".to_owned(),
            }),
        }
    }

    /// The first output (most models have exactly one).
    pub fn first(&self) -> Result<&Tensor, InferError> {
        self.items.first().map(|(_, t)| t).ok_or_else(|| InferError::Output {
            model: self.model.clone(),
            name: "#0".to_owned(),
            message: "the model returned no outputs".to_owned(),
        })
    }

    /// The output names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(n, _)| n.as_str())
    }

    /// All outputs as (name, tensor) pairs, in order.
    pub fn into_vec(self) -> Vec<(String, Tensor)> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_the_element_count() {
        assert!(Tensor::new(vec![2, 3], vec![0.0; 6]).is_ok());
        let err = Tensor::new(vec![2, 3], vec![0.0; 5]).unwrap_err();
        assert!(err.to_string().contains("6 elements but 5"), "{err}");
    }

    #[test]
    fn overflowing_shapes_are_rejected_and_empty_ones_allowed() {
        assert!(Tensor::zeros(vec![usize::MAX, 2]).is_err());
        assert!(Tensor::new(vec![1, 0, 3], vec![]).unwrap().data().is_empty());
        assert_eq!(Tensor::zeros(vec![2, 2]).unwrap().data(), &[0.0; 4]);
    }

    #[test]
    fn outputs_by_name_and_position() {
        let t = Tensor::new(vec![1], vec![7.0]).unwrap();
        let mut out = Outputs {
            model: "m.onnx".into(),
            items: vec![("a".into(), t.clone()), ("b".into(), Tensor::zeros(vec![2]).unwrap())],
        };
        assert_eq!(out.first().unwrap(), &t);
        assert_eq!(out.names().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(out.get("b").unwrap().shape(), &[2]);
        assert!(out.get("c").is_none());
        assert!(out.take("c").unwrap_err().to_string().contains("no such output"));
        assert_eq!(out.take("a").unwrap(), t);
        assert_eq!(out.into_vec().len(), 1);
    }
}
