"""Predictive customer value: BG/NBD purchase model, Gamma-Gamma spend model, CLV and its bands.

`summary` turns transactions into frequency/recency/T/monetary; `bgnbd` and `gamma_gamma` fit and apply the two
models; `clv` combines them; `prediction` scores every customer and explains each score in one line.
"""
