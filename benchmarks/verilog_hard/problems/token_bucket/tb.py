import random

import cocotb

from harness.tbkit import run_cycles, tb_seed


class TbModel:
    def __init__(self):
        self.known = False

    def outputs(self, inp):
        if not self.known:
            return {"out_data": inp["in_data"]}
        have = int(self.t != 0)
        return {"out_valid": inp["in_valid"] & have, "in_ready": inp["out_ready"] & have,
                "out_data": inp["in_data"], "tokens": self.t}

    def step(self, inp):
        if inp["rst"]:
            self.known = True
            self.t, self.c = inp["cfg_burst"], 0
            return
        if not self.known:
            return
        cons = int(inp["in_valid"] and inp["out_ready"] and self.t != 0)
        i = inp["cfg_interval"] or 1
        ref = self.c + 1 >= i
        self.c = 0 if ref else self.c + 1
        self.t = min(inp["cfg_burst"], self.t - cons + (inp["cfg_amount"] if ref else 0))


def stimulus(rng):
    cfg = {"cfg_interval": 3, "cfg_amount": 2, "cfg_burst": 5}

    def cyc(rst=0, v=1, r=1):
        return {"rst": rst, **cfg, "in_valid": v, "in_data": rng.getrandbits(8), "out_ready": r}
    yield cyc(rst=1)
    for _ in range(30):      # the example of the specification
        yield cyc()
    # interval 0 and 1, amount 0, burst 0
    for iv, am, bu in ((0, 1, 3), (1, 1, 3), (1, 0, 4), (2, 15, 255), (255, 15, 255), (7, 3, 0), (5, 15, 9)):
        cfg.update(cfg_interval=iv, cfg_amount=am, cfg_burst=bu)
        yield cyc(rst=1, v=rng.getrandbits(1), r=rng.getrandbits(1))
        for _ in range(rng.randrange(20, 40)):
            yield cyc(v=int(rng.random() < 0.8), r=int(rng.random() < 0.8))
    # long interval: counter wraps around 255
    cfg.update(cfg_interval=255, cfg_amount=4, cfg_burst=200)
    yield cyc(rst=1)
    for _ in range(280):
        yield cyc(v=int(rng.random() < 0.5), r=1)
    # burst lowered below T, interval lowered below C
    cfg.update(cfg_interval=40, cfg_amount=5, cfg_burst=60)
    yield cyc(rst=1, v=0)
    for _ in range(20):
        yield cyc(v=0)
    cfg.update(cfg_burst=10)
    yield cyc(v=0)
    cfg.update(cfg_interval=3)
    for _ in range(10):
        yield cyc(v=rng.getrandbits(1))
    for _ in range(900):
        if rng.random() < 0.03:
            cfg.update(cfg_interval=rng.choice((0, 1, 2, 3, 5, 8, rng.randrange(256))),
                       cfg_amount=rng.randrange(16), cfg_burst=rng.choice((0, 1, 2, 7, 15, 16, 200, 255,
                                                                           rng.randrange(256))))
        yield cyc(rst=int(rng.random() < 0.004), v=int(rng.random() < 0.75), r=int(rng.random() < 0.75))


@cocotb.test()
async def test_token_bucket(dut):
    rng = random.Random(tb_seed())
    model = TbModel()
    await run_cycles(dut, model, stimulus(rng), ["out_valid", "in_ready", "out_data", "tokens"],
                     init={"rst": 1, "in_valid": 0, "out_ready": 0})
