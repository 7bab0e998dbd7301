"""Post-process tf2onnx output for scripts/fetch-models.

1. selfie_segmentation: replace MediaPipe's custom op Convolution2DTransposeBias (NHWC, 2x2 kernel,
   stride 2, with bias) by Transpose(NHWC->NCHW) -> ConvTranspose -> Transpose(NCHW->NHWC).
2. *_w16: store float32 initializers as float16 followed by a Cast back to float32 (half the bytes,
   same graph interface).
3. expression_fer: the int8 weights of fer's quantised tflite are dequantised once, here (each
   DequantizeLinear of a constant becomes its float32 result), so the graph has only the standard
   float ops the runtime runs; float32, since int8 x scale is not exact in fp16.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

work = sys.argv[1]


def fix_transpose_conv(model):
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    for node in graph.node:
        if node.op_type != "Convolution2DTransposeBias":
            nodes.append(node)
            continue
        x, w, b = node.input
        # TFLite weights are [out, kh, kw, in]; ONNX ConvTranspose wants [in, out, kh, kw].
        weights = numpy_helper.to_array(inits[w]).transpose(3, 0, 1, 2)
        inits[w].CopyFrom(numpy_helper.from_array(weights.astype(np.float32), w))
        nchw = node.name + "_nchw"
        conv = node.name + "_conv"
        nodes.append(helper.make_node("Transpose", [x], [nchw], perm=[0, 3, 1, 2]))
        nodes.append(helper.make_node("ConvTranspose", [nchw, w, b], [conv], kernel_shape=[2, 2], strides=[2, 2]))
        nodes.append(helper.make_node("Transpose", [conv], list(node.output), perm=[0, 2, 3, 1]))
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def to_w16(model):
    graph = model.graph
    casts = []
    for init in list(graph.initializer):
        if init.data_type != onnx.TensorProto.FLOAT or len(init.dims) == 0:
            continue
        array = numpy_helper.to_array(init)
        half = init.name + "_fp16"
        graph.initializer.remove(init)
        graph.initializer.append(numpy_helper.from_array(array.astype(np.float16), half))
        casts.append(helper.make_node("Cast", [half], [init.name], to=onnx.TensorProto.FLOAT))
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def fold_dequantize(model):
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    for node in graph.node:
        if node.op_type != "DequantizeLinear" or not all(i in inits for i in node.input):
            nodes.append(node)
            continue
        x = numpy_helper.to_array(inits[node.input[0]]).astype(np.float32)
        scale = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
        zero = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32) if len(node.input) > 2 else np.float32(0)
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        if scale.ndim == 1 and x.ndim > 1:
            shape = [1] * x.ndim
            shape[axis] = -1
            scale = scale.reshape(shape)
            zero = np.asarray(zero).reshape(shape) if np.ndim(zero) == 1 else zero
        graph.initializer.append(numpy_helper.from_array(((x - zero) * scale).astype(np.float32), node.output[0]))
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    for init in list(graph.initializer):
        if init.name not in used:
            graph.initializer.remove(init)
    return model


if len(sys.argv) > 2 and sys.argv[2] == "expression":
    onnx.save(fold_dequantize(onnx.load(f"{work}/expression_fer_q.onnx")), f"{work}/expression_fer.onnx")
    sys.exit(0)

selfie = fix_transpose_conv(onnx.load(f"{work}/selfie_segmentation.onnx"))
onnx.save(selfie, f"{work}/selfie_segmentation_fixed.onnx")
for name in ["face_detection_short_range", "face_landmark", "selfie_segmentation_fixed", "face_detection_full_range", "iris_landmark"]:
    model = onnx.load(f"{work}/{name}.onnx")
    onnx.save(to_w16(model), f"{work}/{name}_w16.onnx")
