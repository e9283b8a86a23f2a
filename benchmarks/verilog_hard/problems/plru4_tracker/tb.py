import random

import cocotb

from harness.tbkit import run_cycles, tb_seed


class PlruModel:
    def __init__(self):
        self.known = False

    def reset(self):
        self.known = True
        self.v = [[0] * 4 for _ in range(8)]
        self.b = [[0, 0, 0] for _ in range(8)]

    def tree(self, b):
        return 2 + b[2] if b[0] else b[1]

    def outputs(self, inp):
        if not self.known:
            return None
        s, lock = inp["vic_set"], inp["lock_mask"]
        v, b = self.v[s], self.b[s]
        u = [not (lock >> w & 1) for w in range(4)]
        if lock == 0xF:
            return {"vic_none": 1, "vic_way": self.tree(b), "valid_bits": sum(x << i for i, x in enumerate(v))}
        cand = [w for w in range(4) if u[w] and not v[w]]
        if cand:
            way = cand[0]
        else:
            right = b[0]
            if right and not (u[2] or u[3]):
                right = 0
            elif not right and not (u[0] or u[1]):
                right = 1
            if right:
                way = 2 + b[2] if u[2 + b[2]] else 3 - b[2]
            else:
                way = b[1] if u[b[1]] else 1 - b[1]
        return {"vic_none": 0, "vic_way": way, "valid_bits": sum(x << i for i, x in enumerate(v))}

    def step(self, inp):
        if inp["rst"] or inp["flush"]:
            if inp["rst"] or self.known:
                self.reset()
            return
        if not self.known:
            return
        if inp["inv_valid"] and not (inp["acc_valid"] and inp["acc_set"] == inp["inv_set"]
                                     and inp["acc_way"] == inp["inv_way"]):
            self.v[inp["inv_set"]][inp["inv_way"]] = 0
        if inp["acc_valid"]:
            s, w = inp["acc_set"], inp["acc_way"]
            self.v[s][w] = 1
            b = self.b[s]
            if w < 2:
                b[0], b[1] = 1, 1 - w
            else:
                b[0], b[2] = 0, 1 - (w & 1)


def stimulus(rng, model):
    def cyc(rst=0, acc=None, inv=None, flush=0, vs=None, lock=None):
        a = acc or (0, rng.randrange(8), rng.randrange(4))
        i = inv or (0, rng.randrange(8), rng.randrange(4))
        return {"rst": rst, "acc_valid": a[0], "acc_set": a[1], "acc_way": a[2],
                "inv_valid": i[0], "inv_set": i[1], "inv_way": i[2], "flush": flush,
                "vic_set": rng.randrange(8) if vs is None else vs,
                "lock_mask": (rng.choice((0, 0, 0, 1, 2, 3, 4, 8, 12, 5, 10, 7, 11, 13, 14, 15))
                              if lock is None else lock)}
    yield cyc(rst=1)
    # spec example
    yield cyc(acc=(1, 5, 0), vs=5, lock=0)
    yield cyc(acc=(1, 5, 2), vs=5, lock=0)
    yield cyc(vs=5, lock=0)
    yield cyc(acc=(1, 5, 1), vs=5, lock=0)
    yield cyc(acc=(1, 5, 3), vs=5, lock=0)
    for lock in range(16):
        yield cyc(vs=5, lock=lock)
    # each way of each set, every lock mask, from a few tree states
    for s in range(8):
        for w in rng.sample(range(4), 4):
            yield cyc(acc=(1, s, w), vs=s)
        for _ in range(3):
            yield cyc(acc=(1, s, rng.randrange(4)), vs=s)
            for lock in range(16):
                yield cyc(vs=s, lock=lock)
    # same-cycle access and invalidation of the same way, and of different ways
    for _ in range(20):
        s, w = rng.randrange(8), rng.randrange(4)
        yield cyc(acc=(1, s, w), inv=(1, s, w), vs=s)
        yield cyc(vs=s, lock=0)
        yield cyc(acc=(1, s, w), inv=(1, s, rng.randrange(4)), vs=s)
        yield cyc(vs=s, lock=0)
    yield cyc(flush=1, acc=(1, 1, 1), inv=(1, 1, 2))
    for s in range(8):
        yield cyc(vs=s, lock=0)
    for _ in range(700):
        r = rng.random()
        yield cyc(rst=int(r < 0.003), flush=int(0.003 <= r < 0.01),
                  acc=(int(rng.random() < 0.6), rng.randrange(8), rng.randrange(4)),
                  inv=(int(rng.random() < 0.25), rng.randrange(8), rng.randrange(4)),
                  vs=rng.choice((rng.randrange(8), 3)))


@cocotb.test()
async def test_plru(dut):
    rng = random.Random(tb_seed())
    model = PlruModel()
    await run_cycles(dut, model, stimulus(rng, model), ["vic_way", "vic_none", "valid_bits"],
                     init={"rst": 1, "flush": 0, "acc_valid": 0, "inv_valid": 0})
