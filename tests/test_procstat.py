"""CPU time of actors by pid file, as `kofu bench` reads it."""

from __future__ import annotations

import os
import time

from kofu.procstat import actor_cpu, actor_rss, cpu_spent, own_cpu


def test_reads_a_running_process_and_skips_stale_or_broken_pid_files(tmp_path):
    (tmp_path / "center.pid").write_text(f"{os.getpid()}\n")
    (tmp_path / "issuer-132292.pid").write_text("999999999\n")  # no such process
    (tmp_path / "gateway-132292.pid").write_text("not a pid\n")
    before = actor_cpu(tmp_path)
    assert set(before) == {"center"}
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # spend CPU, which the reading must see
        pass
    spent = cpu_spent(before, actor_cpu(tmp_path))
    assert set(spent) == {"center"} and spent["center"] >= 0.1


def test_spent_only_for_actors_read_both_times():
    assert cpu_spent({"center": 1.0, "gone": 2.0}, {"center": 1.5, "new": 3.0}) == {"center": 0.5}


def test_reads_each_actors_resident_memory(tmp_path):
    (tmp_path / "center.pid").write_text(f"{os.getpid()}\n")
    (tmp_path / "issuer-132292.pid").write_text("999999999\n")
    held = bytearray(64 * 1024 * 1024)  # touched, so resident
    rss = actor_rss(tmp_path)
    assert set(rss) == {"center"} and rss["center"] >= len(held)


def test_own_cpu_counts_reaped_children_only_when_asked():
    """The bench's kiosk processes report their own CPU: the parent that reaps them must be able
    to read its own without theirs, or the bench counts each kiosk twice."""
    import subprocess
    import sys

    alone, with_children = own_cpu(children=False), own_cpu()
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    assert own_cpu() - with_children >= 0.3  # the child's 0.3 s, reaped
    assert own_cpu(children=False) - alone < 0.2  # this process only waited
