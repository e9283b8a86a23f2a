"""What a kernel answer may and may not use, shared by the static checks and the parent's runtime
checks. Allowed outside kernels: allocation, shape/stride/view manipulation, launching kernels.
"""
from __future__ import annotations

import re

# Modules a candidate may import (the module or a parent of it must be listed).
ALLOWED_IMPORTS = frozenset({
    "__future__", "typing", "math", "torch", "torch.nn", "torch.nn.functional",
    "torch.utils.cpp_extension", "triton", "triton.language", "logging", "dataclasses",
})
# torch.nn.functional may be imported (answers often do), but nothing of it may be called.

# Dotted torch names usable in forward / helpers (anything else under ``torch.`` is compute).
TORCH_ALLOWED = frozenset({
    "torch", "torch.empty", "torch.empty_like", "torch.empty_strided", "torch.zeros",
    "torch.zeros_like", "torch.ones", "torch.ones_like", "torch.full", "torch.full_like",
    "torch.arange", "torch.tensor", "torch.as_strided", "torch.Tensor", "torch.Size",
    "torch.device", "torch.dtype", "torch.is_tensor", "torch.is_floating_point", "torch.finfo",
    "torch.iinfo", "torch.get_default_dtype", "torch.promote_types", "torch.broadcast_shapes",
    "torch.no_grad", "torch.inference_mode", "torch.nn", "torch.nn.Module", "torch.nn.Parameter",
    "torch.nn.functional", "torch.utils", "torch.utils.cpp_extension",
    "torch.utils.cpp_extension.load_inline", "torch.cuda", "torch.cuda.current_device",
    "torch.cuda.is_available", "torch.cuda.current_stream", "torch.cuda.get_device_properties",
    "torch.cuda.get_device_capability", "torch.cuda.device",
})
DTYPE_NAMES = frozenset({
    "float32", "float", "float16", "half", "bfloat16", "float64", "double", "int8", "uint8",
    "int16", "int32", "int", "int64", "long", "bool", "float8_e4m3fn", "float8_e5m2",
    "contiguous_format", "strided",
})
TIMER_NAMES = frozenset({
    "torch.cuda.Event", "torch.cuda.synchronize", "torch.cuda.Stream", "torch.cuda.stream",
    "torch.cuda.nvtx", "torch.cuda.set_sync_debug_mode", "torch.profiler", "torch.autograd.profiler",
    "torch.utils.benchmark", "triton.testing", "torch.cuda.Event.elapsed_time",
})
LOAD_INLINE_PATH = "torch.utils.cpp_extension.load_inline"
# Never allowed, not even in __init__: file I/O, op registries, dispatch/function modes, global
# backend state, other compilers, process/distributed machinery.
TORCH_ALWAYS_FORBIDDEN = (
    "torch.save", "torch.load", "torch.hub", "torch.ops", "torch.library", "torch.overrides",
    "torch.backends", "torch.compile", "torch.jit", "torch.fx", "torch.export", "torch.multiprocessing",
    "torch.distributed", "torch.autograd", "torch.set_", "torch.use_deterministic_algorithms",
    "torch.utils.cpp_extension.load", "torch.utils.data", "torch.utils.hooks", "torch.cuda.memory",
    "torch.cuda.graphs", "torch.cuda.CUDAGraph", "torch.cuda.graph", "torch.classes", "torch.serialization",
)
TIMER_ATTRS = frozenset({"synchronize", "elapsed_time", "record_event", "wait_event", "query"})
TRITON_ALLOWED_PREFIXES = ("triton.language",)
TRITON_ALLOWED = frozenset({
    "triton", "triton.jit", "triton.cdiv", "triton.next_power_of_2", "triton.autotune",
    "triton.Config", "triton.heuristics", "triton.language",
})

# Methods on tensors that only allocate / describe / re-view memory.
TENSOR_METHODS_ALLOWED = frozenset({
    "contiguous", "view", "view_as", "reshape", "reshape_as", "size", "stride", "numel", "dim",
    "ndimension", "data_ptr", "is_contiguous", "element_size", "nelement", "t", "transpose",
    "permute", "expand", "expand_as", "unsqueeze", "squeeze", "flatten", "unflatten", "narrow",
    "select", "as_strided", "chunk", "split", "unbind", "new_empty", "new_zeros", "new_ones",
    "new_full", "new_tensor", "empty_like", "to", "cuda", "cpu", "float", "half", "bfloat16",
    "double", "int", "long", "type_as", "detach", "clone", "fill_", "zero_", "item", "tolist",
    "get_device", "is_floating_point", "untyped_storage", "storage_offset", "movedim", "mT",
    "requires_grad_", "dtype", "device", "shape", "is_cuda",
})
# Compute methods: flagged on *any* receiver (a cheap net for receivers we cannot type).
TENSOR_METHODS_DENIED = frozenset({
    "relu", "relu_", "gelu", "silu", "sigmoid", "sigmoid_", "tanh", "tanh_", "softmax",
    "log_softmax", "exp", "exp_", "exp2", "log", "log_", "log1p", "expm1", "sum", "nansum", "mean",
    "max", "min", "amax", "amin", "argmax", "argmin", "var", "std", "norm", "matmul", "mm", "bmm",
    "addmm", "addbmm", "baddbmm", "mv", "mul", "mul_", "div", "div_", "add_", "sub_", "true_divide",
    "clamp", "clamp_", "clip", "clip_", "where", "cumsum", "cumsum_", "cumprod", "conv1d", "conv2d",
    "layer_norm", "rms_norm", "rsqrt", "sqrt", "pow", "pow_", "abs", "abs_", "neg", "neg_",
    "maximum", "minimum", "logsumexp", "cross_entropy", "nll_loss", "einsum", "dot", "outer",
    "addcmul", "addcdiv", "lerp", "masked_fill", "masked_fill_", "scatter", "scatter_", "gather",
    "index_select", "sort", "topk", "square", "reciprocal", "erf", "leaky_relu", "hardtanh",
    "prod", "triu", "tril", "copy_", "matrix_power", "softplus", "elu", "selu", "linear",
    "multiply", "subtract", "divide", "negative", "sign", "floor", "ceil", "round", "trunc",
    "sin", "cos", "logical_and", "logical_or", "logical_not", "gt", "lt", "ge", "le", "eq", "ne",
    "greater", "less", "any", "all", "unfold", "fmod", "remainder", "sub", "rsub", "tensordot",
})
PY_BUILTINS_FORBIDDEN = frozenset({
    "eval", "exec", "compile", "__import__", "open", "globals", "locals", "vars", "setattr",
    "delattr", "breakpoint", "input", "memoryview", "help", "exit", "quit",
})
PY_BUILTINS_ON_TENSOR = frozenset({"sum", "max", "min", "abs", "pow", "round", "divmod", "sorted", "map"})
DUNDER_ALLOWED = frozenset({"__init__", "__name__", "__future__"})

# aten ops the candidate's Python/host code may run outside its kernels (runtime check).
ATEN_ALLOWED = frozenset({
    "aten::empty", "aten::empty_like", "aten::empty_strided", "aten::new_empty",
    "aten::new_empty_strided", "aten::zeros", "aten::zeros_like", "aten::new_zeros", "aten::ones",
    "aten::ones_like", "aten::new_ones", "aten::full", "aten::full_like", "aten::new_full",
    "aten::fill_", "aten::zero_", "aten::arange", "aten::view", "aten::_unsafe_view",
    "aten::reshape", "aten::as_strided", "aten::t", "aten::transpose", "aten::permute",
    "aten::expand", "aten::unsqueeze", "aten::squeeze", "aten::select", "aten::slice",
    "aten::narrow", "aten::split", "aten::split_with_sizes", "aten::chunk", "aten::unbind",
    "aten::alias", "aten::detach", "aten::clone", "aten::copy_", "aten::_to_copy",
    "aten::lift_fresh", "aten::lift_fresh_copy", "aten::_local_scalar_dense", "aten::resize_",
    "aten::movedim", "aten::flatten", "aten::unflatten", "aten::contiguous", "aten::to",
    "aten::_reshape_alias", "aten::view_as", "aten::expand_as", "aten::is_same_size",
    "aten::set_", "aten::scalar_tensor", "aten::_has_compatible_shallow_copy_type",
    "aten::randint",  # one element only (a larger draw is recorded under another name): a kernel's seed
})

# C++ host code: names under torch:: / at:: / c10:: that are allocation/metadata only.
CPP_NAMESPACE_ALLOWED = frozenset({
    "Tensor", "empty", "empty_like", "empty_strided", "zeros", "zeros_like", "ones", "full",
    "TensorOptions", "ScalarType", "Device", "DeviceType", "dtype", "device", "IntArrayRef",
    "ArrayRef", "Scalar", "Half", "BFloat16", "cuda", "MemoryFormat", "Layout", "optional",
    "irange", "Stream", "DeviceGuard", "OptionalDeviceGuard", "TensorArg", "checkAllSameGPU",
    "string_view", "elementSize", "IntList", "SymInt", "nullopt", "kStrided", "Float8_e4m3fn",
    "getCurrentCUDAStream", "CUDAGuard", "OptionalCUDAGuard", "AT_DISPATCH_FLOATING_TYPES",
    "ErrorReport", "detail", "TypeError", "Error", "ValueError",
    "opmath_type", "acc_type",  # compile-time accumulator type traits (honest round 9 F6)
    "device_of",  # a tensor's device for a device guard (honest round 9 F9)
    # kernel parameter types of the PyTorch extension tutorial's accessors (honest round 11 F2); host code
    # names the accessor types only in a kernel's parameter list (static.devptr.accessor_problems)
    "PackedTensorAccessor32", "PackedTensorAccessor64", "RestrictPtrTraits", "DefaultPtrTraits",
})

# C++/CUDA: method calls allowed anywhere in the sources (tensor metadata, views, allocation,
# std containers, streams, cooperative groups). Anything else (``x.relu()``, ``x.sum()``) is compute.
CPP_METHODS_ALLOWED = frozenset({
    "size", "sizes", "stride", "strides", "numel", "dim", "ndimension", "data_ptr", "data", "const_data_ptr",
    "mutable_data_ptr", "scalar_type", "dtype", "options", "device", "is_cuda", "is_contiguous", "contiguous",
    "view", "reshape", "element_size", "itemsize", "nbytes", "storage_offset", "get_device", "defined",
    "device_type", "index", "layout", "requires_grad", "is_floating_point", "type", "toString", "name",
    "value", "has_value", "stream", "sync", "thread_rank", "group_index", "thread_index", "meta_group_size",
    "meta_group_rank", "num_threads", "shfl", "shfl_down", "shfl_up", "shfl_xor", "ballot", "vec", "begin",
    "end", "push_back", "emplace_back", "reserve", "resize", "front", "back", "empty", "c_str", "str",
    "transpose", "permute", "unsqueeze", "squeeze", "expand", "narrow", "select", "t", "flatten", "to",
    "cuda", "zero_", "fill_", "get", "count", "find", "length", "swap", "reset", "memory_format",
    "pinned_memory", "is_cpu", "sizes_vec", "x", "y", "z", "w", "block_rank", "dim_threads", "dim_blocks",
    "def", "attr", "doc", "view_as", "reshape_as", "expand_as", "chunk", "split", "unbind",
    "packed_accessor32", "packed_accessor64",  # a tensor's data_ptr, sizes and strides for a kernel (honest11 F2)
    # std::vector bookkeeping (honest12 H3): no at::Tensor method has these names; what they store in or
    # read from a table of pointers or tensors the pointer rules follow (static.devagg, static.hostmem)
    "pop_back", "clear", "assign", "insert", "erase", "at",
    "new_empty", "new_zeros",  # allocations, as in Python answers (honest round 14)
})
#: methods allowed only on a tensor's sizes or strides (``x.sizes().slice(0, d).vec()``): ``Tensor::slice``
#: is another method (honest12 H3)
CPP_SIZES_METHODS = frozenset({"slice"})
_SIZES_RECEIVER = re.compile(r"[\w)\]]\s*(?:\.|->)\s*(?:sizes|strides)\s*\(\s*\)\s*\Z")


def cpp_method_allowed(name: str, before: str) -> bool:
    """May host code call method ``name``, ``before`` being the text just before its ``.``/``->``?"""
    return name in CPP_METHODS_ALLOWED or name in CPP_SIZES_METHODS and _SIZES_RECEIVER.search(before) is not None
