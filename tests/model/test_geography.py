"""Maps, distances and the loss-of-strength gradient."""

import numpy as np
import pytest

from powerbalance.model import geography
from powerbalance.model.derived import territorial_base
from tests.conftest import line_scenario


def test_sea_crossing_costs_more_than_a_land_step():
    scen = line_scenario([{"name": "A", "provinces": ["p0", "p1", "p2"], "capital": "p0"}],
                         provinces=3, sea=[["p0", "p2"]])
    d = scen.province_map.distances(sea_cost=5.0)
    assert d[0, 1] == 1.0
    assert d[0, 2] == 2.0  # overland is cheaper than the crossing (1 + 5)
    d_cheap = scen.province_map.distances(sea_cost=0.5)
    assert d_cheap[0, 2] == pytest.approx(1.5)
    assert d_cheap[0, 2] > d_cheap[0, 1]


def test_pass_costs_more_than_a_border():
    scen = line_scenario([{"name": "A", "provinces": ["p0"], "capital": "p0"}], provinces=2)
    m = scen.province_map
    costly = geography.ProvinceMap(m.names, m.value, m.land, np.array([4.0]), m.sea, m.coords)
    assert costly.distances(5.0)[0, 1] == 4.0


@pytest.mark.parametrize("kind", ["logistic", "exponential"])
def test_gradient_is_one_at_home_and_decreasing(kind):
    d = np.linspace(0, 40, 81)
    g = geography.gradient(d, kind, 6.0, 1.0)
    assert g[0] == pytest.approx(1.0)
    assert np.all(np.diff(g) < 0)
    assert np.all((g > 0) & (g <= 1))


def test_extraction_falls_with_distance_from_the_capital():
    scen = line_scenario([{"name": "A", "provinces": ["p0", "p1", "p2", "p3", "p4", "p5"],
                           "capital": "p0"}], provinces=6,
                         params={"extraction_midpoint": 2.0})
    params = scen.make_params()
    setting = scen.setting(params)
    owner = np.zeros((1, 6), dtype=np.int64)
    capital = np.array([[0]])
    near = owner.copy()
    near[0, 3:] = -1  # only p0..p2
    far = owner.copy()
    far[0, 1:4] = -1  # p0, p4, p5
    base_near, count_near = territorial_base(near, capital, 1, setting, params, 0)
    base_far, count_far = territorial_base(far, capital, 1, setting, params, 0)
    assert count_near[0, 0] == count_far[0, 0] == 3
    assert base_far[0, 0] < base_near[0, 0]


@pytest.mark.parametrize("builder", [
    lambda: geography.hex_grid(4, 5), lambda: geography.square_grid(3, 3),
    lambda: geography.random_regular(12, 3, seed=4), lambda: geography.no_geography(5),
])
def test_topologies_have_finite_symmetric_distances(builder):
    m = builder()
    d = m.distances(5.0)
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(d, d.T)
    assert np.all(np.diag(d) == 0)
    src, dst = m.directed_links()
    assert len(src) == len(dst) > 0


def test_no_geography_means_everyone_adjacent_at_distance_zero():
    m = geography.no_geography(4)
    assert not m.distances(5.0).any()
    src, dst = m.directed_links()
    assert len(src) == 12


def test_random_regular_is_reproducible_and_regular():
    a = geography.random_regular(98, 8, seed=3)
    b = geography.random_regular(98, 8, seed=3)
    np.testing.assert_array_equal(a.land, b.land)
    assert set(np.bincount(a.land.ravel(), minlength=98).tolist()) == {8}
    assert len({tuple(e) for e in a.land.tolist()}) == len(a.land)  # no multi-edges


def test_technology_growth_flattens_the_gradient_over_time():
    from powerbalance.model.derived import reach
    from powerbalance.params import Params

    d = np.array([0.0, 5.0, 12.0, 30.0])
    params = Params().with_overrides({"technology_growth": 0.02})
    early, late = reach(d, params, 0), reach(d, params, 50)
    assert early[0] == late[0] == 1.0
    assert np.all(late[1:] > early[1:])
    static = Params()
    np.testing.assert_array_equal(reach(d, static, 0), reach(d, static, 50))


def _dijkstra(m):
    """The all-pairs search the grids' closed form replaces (scipy, as in distances)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import shortest_path

    graph = coo_matrix((np.maximum(m.land_cost, 1e-9), (m.land[:, 0], m.land[:, 1])),
                       shape=(m.n, m.n)).tocsr()
    return shortest_path(graph, method="D", directed=False)


@pytest.mark.parametrize("builder", [geography.hex_grid, geography.square_grid])
def test_grid_distances_are_the_searchs_bits(builder):
    for rows in range(1, 13):
        for cols in range(1, 13):
            m = builder(rows, cols)
            assert m.grid_shape == (rows, cols)
            assert m.distances(5.0).tobytes() == _dijkstra(m).tobytes(), (rows, cols)
    m = builder(23, 41)
    d = m.distances(5.0)
    assert d.tobytes() == _dijkstra(m).tobytes()
    rows = np.array([940, 0, 17, 940])
    assert m.distance_rows(rows, 5.0).tobytes() == d[rows].tobytes()


def test_an_edited_grid_is_searched():
    m = geography.hex_grid(4, 5)
    dropped = geography.ProvinceMap(m.names, m.value, m.land[1:], m.land_cost[1:], m.sea,
                                    m.coords, topology="hex")
    costly = geography.ProvinceMap(m.names, m.value, m.land, m.land_cost * 2, m.sea,
                                   m.coords, topology="hex")
    for edited in (dropped, costly):
        assert edited.grid_shape is None
        assert edited.distances(5.0).tobytes() == _dijkstra(edited).tobytes()
        assert edited.distance_rows([3], 5.0).tobytes() == edited.distances(5.0)[[3]].tobytes()
