"""The tests' port numbers cannot be handed to another test process, nor by `bind(0)`."""

from __future__ import annotations

import socket

import pytest

from tests.support import ports


def test_the_ports_are_outside_the_kernels_ephemeral_range_and_bindable() -> None:
    if not ports._window():
        pytest.skip("this machine's ephemeral range leaves no room beside it")
    low, high = ports._ephemeral()
    for _ in range(5):
        port = ports.free_port()
        assert not low <= port <= high
        with socket.socket() as server:
            server.bind(("127.0.0.1", port))


def test_each_test_process_has_a_window_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    windows = []
    for worker in ("gw0", "gw1", "gw2", "gw3"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        windows.append(set(ports._window()))
    assert all(len(window) == ports.WINDOW for window in windows)
    assert len(set().union(*windows)) == 4 * ports.WINDOW


def test_a_port_held_by_someone_else_is_passed_over() -> None:
    with socket.socket() as holder:
        port = ports.free_port()
        holder.bind(("127.0.0.1", port))
        holder.listen()
        assert all(ports.free_port() != port for _ in range(ports.WINDOW))


def test_without_room_beside_the_ephemeral_range_any_free_port_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ports, "_ephemeral", lambda: (1024, 65535))
    assert len(ports._window()) == 0
    monkeypatch.setattr(ports, "_turns", iter(ports._window()))
    port = ports.free_port()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
