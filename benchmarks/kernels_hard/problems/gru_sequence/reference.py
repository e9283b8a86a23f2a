"""One GRU layer (PyTorch's gate equations) over a batch of padded, variable-length sequences.

Inputs, all float32 except ``lengths``: ``x`` (T, B, IN) time-major, ``h0`` (B, H),
``w_ih`` (3H, IN), ``w_hh`` (3H, H), ``b_ih`` (3H,), ``b_hh`` (3H,), ``lengths`` (B,) int64 with
``0 <= lengths[b] <= T``. The rows of the weights and biases are three gate blocks in the order
reset ``r`` = rows ``[0, H)``, update ``z`` = ``[H, 2H)``, new ``n`` = ``[2H, 3H)``; write
``W_ir`` for ``w_ih[0:H]``, ``b_hn`` for ``b_hh[2H:3H]`` and so on. For each sequence ``b``,
starting from ``h = h0[b]``, for ``t = 0 .. T-1``:

* if ``t < lengths[b]``:
  ``r = sigmoid(W_ir x_t + b_ir + W_hr h + b_hr)``,
  ``z = sigmoid(W_iz x_t + b_iz + W_hz h + b_hz)``,
  ``n = tanh(W_in x_t + b_in + r * (W_hn h + b_hn))`` (``b_hn`` is inside the product with ``r``),
  ``h = (1 - z) * n + z * h``, and ``y[t, b] = h``;
* otherwise ``h`` is left unchanged and ``y[t, b] = 0``.

Outputs: ``y`` (T, B, H) float32 and ``h_n`` (B, H) float32, the state after the sequence's last
valid step (``h0[b]`` itself when ``lengths[b] == 0``). All arithmetic in full float32 precision
(TF32 or lower-precision matrix products are not float32); gate
pre-activations may reach magnitudes of about 100 (saturated gates must give 0 or 1, not NaN).
Checked with atol = 1e-4, rtol = 1e-4 (both outputs).
"""
import torch
import torch.nn as nn

T, B, IN, H = 64, 32, 128, 128
CONFIGS = {
    "small": {"T": 9, "B": 4, "IN": 24, "H": 40},
    "edge": {"T": 1, "B": 2, "IN": 1, "H": 1},
    "large": {"T": T, "B": B, "IN": IN, "H": H},
}
DISTS = ["normal", "saturating", "lengths"]


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, h0: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor, lengths: torch.Tensor):
        steps, n_b, _ = x.shape
        hid = h0.shape[1]
        h = h0.clone()
        y = torch.zeros((steps, n_b, hid), dtype=torch.float32, device=x.device)
        for t in range(steps):
            gi = x[t] @ w_ih.t() + b_ih
            gh = h @ w_hh.t() + b_hh
            r = torch.sigmoid(gi[:, :hid] + gh[:, :hid])
            z = torch.sigmoid(gi[:, hid:2 * hid] + gh[:, hid:2 * hid])
            n = torch.tanh(gi[:, 2 * hid:] + r * gh[:, 2 * hid:])
            h_new = (1 - z) * n + z * h
            live = (t < lengths)[:, None]
            h = torch.where(live, h_new, h)
            y[t] = torch.where(live, h_new, torch.zeros((), device=x.device))
        return y, h


def get_inputs(config: dict | None = None, dist: str = "normal", seed: int = 0):
    cfg = config or CONFIGS["large"]
    gen = torch.Generator().manual_seed(seed)
    t, b, i, h = cfg["T"], cfg["B"], cfg["IN"], cfg["H"]
    x = torch.randn((t, b, i), generator=gen)
    h0 = 0.5 * torch.randn((b, h), generator=gen)
    w_scale = 1.0 / (i + h) ** 0.5
    in_scale = 25.0 / i ** 0.5 if dist == "saturating" else w_scale  # input pre-activations up to ~100
    w_ih = in_scale * torch.randn((3 * h, i), generator=gen)
    w_hh = w_scale * torch.randn((3 * h, h), generator=gen)
    b_ih = 0.5 * torch.randn(3 * h, generator=gen)
    b_hh = 0.5 * torch.randn(3 * h, generator=gen)
    lengths = torch.full((b,), t, dtype=torch.int64)
    if dist == "lengths":  # ragged batch: empty, short and full sequences
        lengths = torch.randint(0, t + 1, (b,), generator=gen)
        lengths[0] = 0
        lengths[-1] = t
    return [x, h0, w_ih, w_hh, b_ih, b_hh, lengths]


def get_init_inputs(config: dict | None = None):
    return []
