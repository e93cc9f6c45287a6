"""The sandbox's wire format: values keep their types; nothing is ever unpickled."""

import numpy as np
import pytest

from autograde.sandbox import decode, encode


def roundtrip(value):
    def refuse(v):
        raise TypeError(type(v).__name__)
    return decode(encode(value, on_other=refuse), on_other=refuse)


@pytest.mark.parametrize("value", [
    np.float64(0.5), np.int64(3), np.bool_(True), np.float32(1.5), 0.5, 3, True, None, "s",
    np.array(2.0), np.zeros((2, 3)), np.arange(4, dtype=np.uint8), np.array([True, False]),
])
def test_values_keep_type_shape_and_dtype(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert np.asarray(back).dtype == np.asarray(value).dtype
        assert np.asarray(back).shape == np.asarray(value).shape
        assert (np.asarray(back) == np.asarray(value)).all()


def test_containers_keep_their_kind():
    value = {"w": (np.ones(2), 1.0), "rest": [np.int64(1), {"b": np.zeros(1)}]}
    back = roundtrip(value)
    assert isinstance(back["w"], tuple) and isinstance(back["rest"], list)
    assert isinstance(back["rest"][1]["b"], np.ndarray)


def test_object_arrays_are_not_sent_as_data():
    with pytest.raises(TypeError):
        roundtrip(np.array([object()], dtype=object))


def test_a_generator_travels_as_its_state():
    rng = np.random.default_rng(42)
    rng.normal(size=3)
    back = roundtrip(rng)
    assert back is not rng
    assert (back.normal(size=5) == rng.normal(size=5)).all()
