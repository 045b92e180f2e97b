//===- TorchAdapter.cpp - LibTorch tensors as runtime views ---------------===//

#include "lipt/Torch/TorchAdapter.h"

namespace rt = lipt_runtime;

namespace lipt_torch {

bool toDType(c10::ScalarType t, rt::DType &out) {
  switch (t) {
  case c10::ScalarType::Float:
    out = rt::DType::f32;
    return true;
  case c10::ScalarType::Double:
    out = rt::DType::f64;
    return true;
  case c10::ScalarType::Half:
    out = rt::DType::f16;
    return true;
  case c10::ScalarType::BFloat16:
    out = rt::DType::bf16;
    return true;
  default:
    return false;
  }
}

c10::ScalarType toScalarType(rt::DType t) {
  switch (t) {
  case rt::DType::f32:
    return c10::ScalarType::Float;
  case rt::DType::f64:
    return c10::ScalarType::Double;
  case rt::DType::f16:
    return c10::ScalarType::Half;
  case rt::DType::bf16:
    return c10::ScalarType::BFloat16;
  case rt::DType::i32:
    return c10::ScalarType::Int;
  case rt::DType::i64:
    return c10::ScalarType::Long;
  }
  return c10::ScalarType::Float;
}

rt::Status viewOf(const torch::Tensor &t, const std::string &what,
                  rt::TensorView &out) {
  if (!t.defined())
    return rt::Status::error(what + " is undefined");
  // CPU and CUDA tensors are both views (a CUDA executable takes the
  // latter without a copy); the executable checks they are where it runs.
  if (!t.device().is_cpu() && !t.device().is_cuda())
    return rt::Status::error(what + " is on " + t.device().str() +
                             "; lipt runs on CPU and CUDA tensors");
  if (!t.is_contiguous())
    return rt::Status::error(what + " is not contiguous (call .contiguous(); "
                                    "views are zero-copy only)");
  if (!toDType(t.scalar_type(), out.type.dtype))
    return rt::Status::error(what + " has dtype " +
                             std::string(c10::toString(t.scalar_type())) +
                             "; expected float32/64, float16 or bfloat16");
  out.type.shape.assign(t.sizes().begin(), t.sizes().end());
  out.data = t.data_ptr();
  out.device = t.device().is_cuda()
                   ? rt::Device{rt::DeviceKind::cuda, t.device().index()}
                   : rt::Device{};
  return rt::Status::success();
}

torch::Tensor emptyLike(const rt::TensorType &type) {
  return torch::empty(type.shape, torch::dtype(toScalarType(type.dtype)));
}

} // namespace lipt_torch
