"""The allowlists of the kernel answer checks (:mod:`harness.families.kernels.static.body`).

Everything a candidate module may name is listed here; anything else is rejected with a rule.
The lists describe *launching* kernels: allocation, shape/stride/view metadata, launch-grid
arithmetic on sizes. Compute belongs in ``@triton.jit`` bodies (``tl.*``) or CUDA kernels.
"""
from __future__ import annotations

import ast

from harness.families.kernels.static import policy as P

#: builtins callable anywhere (no tensor may reach the numeric ones: see SIZE_ONLY_BUILTINS)
BUILTINS = frozenset({
    "int", "float", "bool", "len", "range", "min", "max", "abs", "round", "divmod", "pow", "sum",
    "tuple", "list", "dict", "enumerate", "zip", "isinstance", "super", "str", "reversed",
    "ValueError", "RuntimeError", "TypeError", "AssertionError", "NotImplementedError", "IndexError",
    "KeyError", "None", "True", "False", "Ellipsis", "NotImplemented", "slice", "any", "all", "print",
    "sorted", "set", "frozenset",  # dims bookkeeping (honest round 12 H10): sizes only, as below
})
#: builtins whose arguments must be sizes (on a tensor they compute or read values)
SIZE_ONLY_BUILTINS = frozenset({
    "int", "float", "bool", "abs", "round", "divmod", "pow", "sum", "min", "max", "tuple", "list",
    "dict", "enumerate", "zip", "reversed", "any", "all", "str", "range", "slice", "sorted", "set", "frozenset",
})
#: conversions accepted on a value that is not certainly a tensor (a scalar argument of forward)
SCALAR_CASTS = frozenset({"int", "float", "bool"})
EXCEPTIONS = frozenset({"ValueError", "RuntimeError", "TypeError", "AssertionError", "NotImplementedError",
                        "IndexError", "KeyError"})
#: exceptions an ``except`` clause may name (``Exception`` catches what a launch raises; never
#: ``BaseException`` or a bare ``except``)
CATCHABLE = EXCEPTIONS | {"Exception"}
#: keywords of print(): never ``file=`` (an object of the answer's could receive the text)
PRINT_KEYWORDS = frozenset({"sep", "end", "flush"})
#: the logging API an answer may use: a logger and its level methods (no handlers, files or config)
LOGGING_USABLE = frozenset({"logging.getLogger", "logging.debug", "logging.info", "logging.warning",
                            "logging.error", "logging.critical", "logging.exception", "logging.log",
                            "logging.DEBUG", "logging.INFO", "logging.WARNING", "logging.ERROR",
                            "logging.CRITICAL", "logging.Logger"})
#: methods of a logger (called on any non-tensor value: on sizes and strings they do nothing useful)
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "critical", "exception", "log", "isEnabledFor",
                         "setLevel"})
#: builtins a @triton.jit body may use
KERNEL_BUILTINS = frozenset({"range", "min", "max", "int", "float", "bool", "len", "abs", "isinstance",
                             "None", "True", "False", "tuple", "print"})

#: modules a candidate may import (triton.language.* too)
IMPORTS = P.ALLOWED_IMPORTS
#: dotted names usable in forward / helpers / module level (besides dtypes)
TORCH_USABLE = P.TORCH_ALLOWED - {"torch", "torch.nn", "torch.nn.functional", "torch.utils",
                                  "torch.utils.cpp_extension", "torch.cuda", "torch.tensor"}
TRITON_USABLE = frozenset({"triton.jit", "triton.cdiv", "triton.next_power_of_2", "triton.autotune",
                           "triton.Config", "triton.heuristics"})
#: functions whose arguments must be sizes (on a tensor, ``cdiv`` is tensor arithmetic)
SIZE_FUNCTIONS = frozenset({"triton.cdiv", "triton.next_power_of_2"})
#: attributes readable on any value (metadata and views)
VALUE_ATTRS = frozenset({"shape", "dtype", "device", "ndim", "is_cuda", "layout", "itemsize", "T", "mT",
                         "data", "is_leaf", "requires_grad", "is_floating_point", "weight", "bias"})
#: configuration attributes of torch.nn layers (``self.conv.padding[0]``): sizes, never tensors
NN_CONFIG_ATTRS = frozenset({
    "stride", "padding", "dilation", "groups", "kernel_size", "in_channels", "out_channels", "in_features",
    "out_features", "eps", "momentum", "num_features", "normalized_shape", "output_padding", "padding_mode",
    "negative_slope", "p", "dim", "num_heads", "embed_dim", "head_dim", "batch_first", "elementwise_affine",
    "affine", "track_running_stats", "inplace", "scale_factor", "mode", "alpha", "beta", "threshold", "lambd",
    "min_val", "max_val", "upscale_factor", "output_size", "return_indices", "ceil_mode", "count_include_pad",
    "divisor_override", "num_groups", "num_channels", "hidden_size", "num_layers", "training", "approximate",
    "start_dim", "end_dim", "bidirectional", "dropout", "num_embeddings", "embedding_dim", "padding_idx",
})
#: attributes of ``torch.cuda.get_device_properties(...)`` (numbers and names), readable on sizes
DEVICE_PROPERTY_ATTRS = frozenset({"multi_processor_count", "total_memory", "name", "major", "minor",
                                   "max_threads_per_multi_processor", "L2_cache_size", "regs_per_multiprocessor",
                                   "warp_size", "max_threads_per_block", "shared_memory_per_block",
                                   "shared_memory_per_multiprocessor", "is_integrated", "is_multi_gpu_board"})
#: methods returning sizes / metadata
SIZE_METHODS = frozenset({"size", "stride", "numel", "dim", "ndimension", "nelement", "element_size",
                          "is_contiguous", "data_ptr", "get_device", "storage_offset", "is_floating_point"})
#: methods returning views or fresh allocations (no compute on values)
VIEW_METHODS = frozenset({
    "contiguous", "view", "view_as", "reshape", "reshape_as", "t", "transpose", "permute", "expand",
    "expand_as", "unsqueeze", "squeeze", "flatten", "unflatten", "narrow", "select", "as_strided", "chunk",
    "split", "unbind", "new_empty", "new_zeros", "new_ones", "new_full", "to", "cuda", "float", "half",
    "bfloat16", "double", "int", "long", "type_as", "detach", "clone", "fill_", "zero_", "movedim",
    "requires_grad_", "empty_like",
})
#: view/fill methods whose value arguments must be sizes (``y[i].fill_(v)`` writes a Python value)
VALUE_TAKING_METHODS = frozenset({"fill_", "new_full"})
#: view methods that take a tensor for its metadata (dtype, device, shape), never its values
TENSOR_ARG_VIEWS = frozenset({"view_as", "reshape_as", "expand_as", "type_as", "to", "fill_", "new_full"})
#: allocations whose shape / strides / offset / range arguments must be sizes
SIZED_ALLOCATIONS = frozenset({"torch.empty", "torch.empty_like", "torch.empty_strided", "torch.zeros",
                               "torch.zeros_like", "torch.ones", "torch.ones_like", "torch.full",
                               "torch.full_like", "torch.arange", "torch.as_strided"})
SIZE_KEYWORDS = frozenset({"size", "stride", "storage_offset", "start", "end", "step"})
#: reads of a local list/dict of tensors (bound only to displays): they compute nothing
CONTAINER_READS = frozenset({"get", "items", "keys", "values"})
CONTAINER_BUILTINS = frozenset({"enumerate", "zip", "reversed", "list", "tuple", "len"})
#: methods on plain Python values (lists, dicts, strings) built by the answer
PLAIN_METHODS = frozenset({"get", "items", "keys", "values", "index", "count", "bit_length", "format",
                           "startswith", "endswith", "lower", "upper", "join"})
#: in-place methods on Python containers: only on the function's own local variables
MUTATING_METHODS = frozenset({"append", "extend", "insert", "update", "pop", "setdefault", "clear"})
#: methods ModelNew.__init__ must not call (they plant code that runs later: hooks, and
#: parametrizations, which run whenever the attribute is read, e.g. inside a launch)
INIT_METHODS_DENIED_PARTS = ("hook", "apply", "register_module", "__", "parametriz", "weight_norm", "spectral_norm")
#: file-backed and shared-memory storage (red team 4: ``torch.from_file`` on ``/dev/shm`` filled it
#: and the worker died of SIGBUS): never named, as a function, a storage class or a method, not even
#: in ``__init__``
SHARED_MEMORY_NAMES = frozenset({"from_file", "share_memory_", "share_memory", "untyped_storage", "storage",
                                 "pin_memory", "is_shared", "from_buffer", "frombuffer"})
#: context managers usable in a ``with`` statement
WITH_USABLE = frozenset({"torch.no_grad", "torch.inference_mode", "torch.cuda.device"})
#: decorators usable on methods / helpers
METHOD_DECORATORS = frozenset({"torch.no_grad", "torch.inference_mode", "staticmethod"})
#: keywords of triton.autotune / triton.Config (hooks, pruning and custom benchmarking run Python)
AUTOTUNE_KEYWORDS = frozenset({"configs", "key", "reset_to_zero", "restore_value", "warmup", "rep",
                               "cache_results"})
CONFIG_KEYWORDS = frozenset({"kwargs", "num_warps", "num_stages", "num_ctas", "maxnreg", "num_buffers_warp_spec",
                             "num_consumer_groups", "reg_dec_producer", "reg_inc_consumer"})
JIT_KEYWORDS = frozenset({"do_not_specialize", "do_not_specialize_on_alignment", "debug", "noinline",
                          "version"})
#: names an answer may define at module level with the reference's own meaning; their bodies
#: never run (nothing may refer to them), so they are not checked
REFERENCE_FUNCTIONS = ("get_inputs", "get_init_inputs")
REFERENCE_CLASS = "Model"


#: torch's legacy tensor classes, named in annotations only (``x: torch.FloatTensor``; calling one
#: builds a tensor, and a call in an annotation is ``forbidden_call`` anyway)
LEGACY_TENSOR_TYPES = frozenset(f"torch.{k}Tensor" for k in (
    "Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
    "cuda.Float", "cuda.Double", "cuda.Half", "cuda.BFloat16", "cuda.Long", "cuda.Int", "cuda.Short",
    "cuda.Char", "cuda.Byte", "cuda.Bool"))


def torch_usable(path: str, *, init: bool) -> bool:
    """May ``path`` (a dotted torch name) be named here?"""
    if path in TORCH_USABLE or (path.count(".") == 1 and path.split(".")[1] in P.DTYPE_NAMES):
        return True
    return init and path.startswith("torch.")  # weight construction: not input-dependent


def forbidden_everywhere(path: str) -> str | None:
    """The rule a dotted name breaks even in ``__init__`` (I/O, registries, global state, timers)."""
    if any(path == t or path.startswith(t + ".") for t in P.TIMER_NAMES):
        return "timer_access"
    if path.startswith("torch.") and any(p in SHARED_MEMORY_NAMES or p.endswith("Storage") or p == "storage"
                                         for p in path.split(".")[1:]):
        return "forbidden_attribute"
    if path.startswith("torch.") and path != P.LOAD_INLINE_PATH and any(
            path == f or path.startswith(f if f.endswith("_") else f + ".") for f in P.TORCH_ALWAYS_FORBIDDEN):
        return "forbidden_attribute"
    return None


def none_compare(n: ast.Compare) -> bool:
    """``x == None`` / ``x != None`` (either side): torch's ``Tensor.__eq__(None)`` gives up
    (``NotImplemented``) and Python answers by identity, so no tensor value is read."""
    sides = [n.left, *n.comparators]
    return (len(n.ops) == 1 and isinstance(n.ops[0], ast.Eq | ast.NotEq)
            and any(isinstance(x, ast.Constant) and x.value is None for x in sides))
