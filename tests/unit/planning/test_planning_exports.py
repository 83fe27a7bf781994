import hybridchain.planning as planning


def test_all_is_sorted_and_importable() -> None:
    assert planning.__all__ == sorted(planning.__all__, key=lambda n: (not n.isupper(), n))
    for name in planning.__all__:
        assert getattr(planning, name) is not None
