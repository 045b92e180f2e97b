func.func @f(%w: tensor<3x4xf32>) -> tensor<3x4xf32> {
  return %w : tensor<3x4xf32>
}
