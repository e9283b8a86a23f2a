"""Static checks of a kernel answer: runs in the harness process, never executes candidate code.

Everything here reads the answer's text: the Python module as an AST (:mod:`.check`, the entry
point: ``analyze``, ``check_static``, ``scalar_positions``), the C++/CUDA sources of a
``load_inline`` answer and their macro expansion (:mod:`.cuda`, which runs the C preprocessor on
them), against the allowlists of :mod:`.allow` and :mod:`.policy`. It imports torch and triton
only to read their namespaces (which ``torch.*`` paths reach a module, :mod:`.torch_paths`;
Triton's public names, :mod:`.tl`), never to run an answer.

Imports: the standard library, torch, triton, :mod:`harness.proc` and this package; nothing from
:mod:`harness.families.kernels.sandboxed` (``tests/kernels/test_layout.py``).
"""
