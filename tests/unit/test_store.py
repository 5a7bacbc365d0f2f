"""Result files (bri_carbon.results.store.write_csv) hold what pandas writes with the fixed
float format, byte for byte, whatever the columns hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bri_carbon.results import store


def test_csv_files_are_what_pandas_writes_with_the_float_format(tmp_path):
    rng = np.random.default_rng(5)
    numbers = rng.lognormal(0.0, 12.0, 40) * rng.choice([-1.0, 1.0], 40)
    numbers[:8] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-300, 123456789012345.0, 0.1]
    frame = pd.DataFrame(
        {
            "co2_mt": numbers,
            "share": np.float32(numbers / 7.0),
            "count": np.arange(40),
            "bri": np.arange(40) % 3 == 0,
            "name": [f"region, {i}" for i in range(40)],
        },
        index=pd.Index([f"R{i:02d}" for i in range(40)], name="region"),
    )
    frame["co2_mt again"] = frame["co2_mt"]
    expected = frame.copy()
    expected["bri"] = expected["bri"].map({True: "true", False: "false"})
    for index in (True, False):
        target = tmp_path / f"written{index}.csv"
        store.write_csv(frame, target, index=index)
        reference = expected.to_csv(
            index=index, float_format=store.FLOAT_FORMAT, lineterminator="\n"
        )
        assert target.read_text() == reference
