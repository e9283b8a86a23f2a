"""The ``triton.language`` names an answer may use, and where (kernel bodies vs host code).

Exact names, never module objects: ``triton.language.core`` re-exports whole stdlib modules
(``builtins``, ``inspect``, ``typing``), ``tl.extra`` holds ``pkgutil``, ``tl.math`` imports
``core``, and a JITFunction such as ``tl.sum`` hands out its globals (``get_capture_scope()``).
So a kernel body may name ``<module>.<listed name>`` for the few modules below, and after that
only the listed attributes of Triton values (tensors, dtypes, constexprs, descriptors).
The names are ``triton.language.__all__`` (3.x) less its modules, and the libdevice functions;
``tests/security/test_kernel_static.py`` checks them against the installed Triton.
"""
from __future__ import annotations

#: ``triton.language.__all__`` less the modules ``extra``, ``math``, ``target_info``
TL_NAMES = frozenset("""
    PropagateNan TRITON_MAX_TENSOR_NUMEL abs add arange argmax argmin associative_scan assume atomic_add
    atomic_and atomic_cas atomic_load atomic_max atomic_min atomic_or atomic_poll atomic_store
    atomic_xchg atomic_xor bfloat16 bitonic_merge block_type broadcast broadcast_to cast cat cdiv ceil
    clamp condition const constexpr constexpr_type cos cumprod cumsum debug_barrier device_assert
    device_print div_rn dot dot_scaled dtype erf exp exp2 expand_dims expect_zero fdiv flip float16
    float32 float64 float8e4b15 float8e4b8 float8e4nv float8e5 float8e5b16 floor fma full gather
    histogram inline_asm_elementwise int1 int16 int32 int64 int8 interleave join load
    load_tensor_descriptor log log2 make_block_ptr make_tensor_descriptor map_elementwise max
    max_constancy max_contiguous maximum min minimum mul multiple_of num_programs pair_uniform_to_normal
    permute philox philox_impl pi32_t pointer_type program_id rand rand4x randint randint4x randn
    randn4x range ravel reduce reduce_or reshape rsqrt sigmoid sin slice softmax sort split sqrt sqrt_rn
    squeeze static_assert static_print static_range store store_tensor_descriptor sub sum swizzle2d
    tensor tensor_descriptor to_tensor topk trans tuple uint16 uint32 uint64 uint8 uint_to_uniform_float
    umulhi unsqueeze view void where xor_sum zeros zeros_like
""".split())
#: names of earlier 2.x/3.x releases (block pointers, fp8 names): where Triton lacks them, an
#: AttributeError at compile time, not a way out
TL_NAMES = TL_NAMES | {"advance", "float8e4", "float8e4b15x4"}
#: ``triton.language.math`` (3.x); older releases kept the libdevice functions there too
TL_MATH_NAMES = frozenset("""
    abs ceil cos div_rn erf exp exp2 fdiv floor fma log log2 rsqrt sin sqrt sqrt_rn umulhi
""".split())
#: ``triton.language.extra.libdevice`` / ``extra.cuda.libdevice`` functions (less their ``core``)
LIBDEVICE_NAMES = frozenset("""
    abs acos acosh add_rd add_rn add_ru add_rz asin asinh atan atan2 atanh brev byte_perm cbrt ceil clz
    copysign cos cosh cospi cyl_bessel_i0 cyl_bessel_i1 div_rd div_rn div_ru div_rz double2float_rd
    double2float_rn double2float_ru double2float_rz double2hiint double2int_rd double2int_rn
    double2int_ru double2int_rz double2ll_rd double2ll_rn double2ll_ru double2ll_rz double2loint
    double2uint_rd double2uint_rn double2uint_ru double2uint_rz double2ull_rd double2ull_rn
    double2ull_ru double2ull_rz double_as_longlong erf erfc erfcinv erfcx erfinv exp exp10 exp2 expm1
    fast_cosf fast_dividef fast_exp10f fast_expf fast_log10f fast_log2f fast_logf fast_powf fast_sinf
    fast_tanf fast_tanhf fdim ffs finitef float2int_rd float2int_rn float2int_ru float2int_rz
    float2ll_rd float2ll_rn float2ll_ru float2ll_rz float2uint_rd float2uint_rn float2uint_ru
    float2uint_rz float2ull_rd float2ull_rn float2ull_ru float2ull_rz float_as_int float_as_uint floor
    fma fma_rd fma_rn fma_ru fma_rz fmod hadd hiloint2double hypot ilogb int2double_rn int2float_rd
    int2float_rn int2float_ru int2float_rz int_as_float isfinited isinf isnan j0 j1 jn ldexp lgamma
    ll2double_rd ll2double_rn ll2double_ru ll2double_rz ll2float_rd ll2float_rn ll2float_ru ll2float_rz
    llrint llround log log10 log1p log2 logb longlong_as_double mul24 mul_rd mul_rn mul_ru mul_rz mulhi
    nearbyint nextafter norm3d norm4d normcdf normcdfinv popc pow rcbrt rcp64h rcp_rd rcp_rn rcp_ru
    rcp_rz remainder rhadd rhypot rint rnorm3d rnorm4d round rsqrt rsqrt_rn sad saturatef scalbn signbit
    sin sinh sinpi sqrt sqrt_rd sqrt_rn sqrt_ru sqrt_rz sub_rd sub_rn sub_ru sub_rz tan tanh tgamma
    trunc uint2double_rn uint2float_rd uint2float_rn uint2float_ru uint2float_rz uint_as_float
    ull2double_rd ull2double_rn ull2double_ru ull2double_rz ull2float_rd ull2float_rn ull2float_ru
    ull2float_rz y0 y1 yn
""".split())
_DTYPES = frozenset({
    "bfloat16", "float16", "float32", "float64", "float8e4b15", "float8e4b8", "float8e4nv", "float8e5",
    "float8e5b16", "int1", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "void",
})
#: listed names a kernel may still not use: ``inline_asm_elementwise`` runs any PTX, which reads what
#: the name rules keep out (``%smid``, ``%globaltimer``, ``%clock``; red team 15 read ``%smid`` with it)
KERNEL_REFUSED = frozenset({"inline_asm_elementwise"})
#: the modules a kernel may name as a whole, each with its names
KERNEL_MODULES: dict[str, frozenset[str]] = {
    "triton.language": TL_NAMES - KERNEL_REFUSED,
    "triton.language.math": TL_MATH_NAMES | LIBDEVICE_NAMES,
    "triton.language.libdevice": LIBDEVICE_NAMES,
    "triton.language.extra.libdevice": LIBDEVICE_NAMES,
    "triton.language.extra.cuda.libdevice": LIBDEVICE_NAMES,
    "triton.language.PropagateNan": frozenset({"ALL", "NONE"}),
    "triton": frozenset({"cdiv", "next_power_of_2"}),
}
#: ``import X`` / ``from X import module`` of these is allowed (besides ``triton.language``)
IMPORTABLE_MODULES = frozenset(KERNEL_MODULES) - {"triton", "triton.language.PropagateNan"}
#: attributes readable on Triton values inside a kernel: ``tl.tensor`` members, dtype and
#: descriptor members, ``constexpr.value`` (never ``handle``, ``to_ir`` or a JITFunction's own)
KERNEL_VALUE_ATTRS = frozenset("""
    T abs advance argmax argmin associative_scan atomic_add atomic_and atomic_cas atomic_load atomic_max
    atomic_min atomic_or atomic_poll atomic_store atomic_xchg atomic_xor broadcast_to cast cdiv ceil cos
    cumprod cumsum erf exp exp2 expand_dims flip floor gather histogram item log log2 logical_and
    logical_or max min permute ravel reduce reduce_or reshape rsqrt sigmoid sin softmax sort split sqrt
    sqrt_rn store sum to trans view xor_sum
    dtype shape type numel value element_ty primitive_bitwidth fp_mantissa_width exponent_bias itemsize
    nbytes name scalar block_shape block_type get_block_shapes get_int_max_value get_int_min_value load
    scatter is_bf16 is_block is_bool is_const is_dtype is_floating is_fp16 is_fp32 is_fp64 is_fp8 is_int
    is_int1 is_int8 is_int16 is_int32 is_int64 is_int_signed is_int_unsigned is_ptr is_standard_floating
    is_uint8 is_uint16 is_uint32 is_uint64 is_void
""".split())
#: the attribute a kernel may read first on one of its own parameters (or a local bound to one as
#: it is): a launch argument is a pointer, a number or a constexpr, so only its type, a cast or a
#: constexpr's value; after that, only :data:`PARAM_META_ATTRS`. Under the interpreter a host
#: object passed to a launch (``self``, a module, a bound method) arrives as itself, and red team 4
#: read ``M.T.softmax(-1)`` (torch on the host) and called ``M.store(r)`` through such a parameter
PARAM_ATTRS = frozenset({"dtype", "type", "value", "to"})
#: what may follow on a parameter's chain: dtype and type metadata, never a tensor method
PARAM_META_ATTRS = frozenset("""
    element_ty primitive_bitwidth fp_mantissa_width exponent_bias itemsize name scalar block_type
    get_int_max_value get_int_min_value is_bf16 is_block is_bool is_const is_dtype is_floating is_fp16
    is_fp32 is_fp64 is_fp8 is_int is_int1 is_int8 is_int16 is_int32 is_int64 is_int_signed is_int_unsigned
    is_ptr is_standard_floating is_uint8 is_uint16 is_uint32 is_uint64 is_void
""".split())
#: Triton value attributes that compute or read data (methods of ``tl.tensor``): an attribute of
#: the answer's nn.Module classes may not be named like one (``self.T``, ``self.store``), as
#: plain classes may not be named like library attributes
KERNEL_VALUE_METHODS = KERNEL_VALUE_ATTRS - PARAM_META_ATTRS - {"dtype", "shape", "type", "value", "numel",
                                                                  "nbytes", "block_shape", "get_block_shapes"}
#: ``triton.language`` names host code (forward, helpers, annotations, launch arguments) may
#: name: dtypes and the annotation classes; it calls none of them
HOST_TL_NAMES = _DTYPES | {"constexpr", "dtype", "tensor", "TRITON_MAX_TENSOR_NUMEL"}
#: ``typing`` names, usable in annotations only (``typing`` also re-exports ``sys``, ``operator``)
TYPING_NAMES = frozenset({
    "Any", "Optional", "Union", "List", "Tuple", "Dict", "Set", "FrozenSet", "Sequence", "Mapping",
    "Iterable", "Iterator", "Callable", "Type", "Literal", "Final", "ClassVar", "NamedTuple",
})


def kernel_api_length(parts: list[str]) -> int:
    """How many leading parts of a dotted name are ``<module>.<listed name>`` (0: none)."""
    for module in sorted(KERNEL_MODULES, key=len, reverse=True):
        mp = module.split(".")
        if parts[:len(mp)] == mp and len(parts) > len(mp) and parts[len(mp)] in KERNEL_MODULES[module]:
            return len(mp) + 1
    return 0


def kernel_path_ok(path: str) -> bool:
    """May a kernel body name ``path``? A listed API name, then only Triton value attributes."""
    parts = path.split(".")
    n = kernel_api_length(parts)
    return n > 0 and all(p in KERNEL_VALUE_ATTRS for p in parts[n:])


def host_tl_ok(path: str) -> bool:
    """May code outside kernels name the ``triton.language`` path ``path``?"""
    parts = path.split(".")
    if parts[:2] != ["triton", "language"]:
        return False
    return (len(parts) == 3 and parts[2] in HOST_TL_NAMES) or (
        len(parts) == 4 and parts[2] == "PropagateNan" and parts[3] in KERNEL_MODULES[".".join(parts[:3])])


def import_ok(path: str) -> bool:
    """May ``triton.language...`` be imported as ``path`` (a listed module or API name)?"""
    parts = path.split(".")
    return path in IMPORTABLE_MODULES or (parts[0] == "triton" and kernel_api_length(parts) == len(parts) > 2)
