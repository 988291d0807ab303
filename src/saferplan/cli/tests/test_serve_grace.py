"""gunicorn must stop its web workers itself before the supervisor gives up on it: killed
first, it leaves its forked workers running after ``saferplan serve`` has ended."""

from saferplan.cli.serve import GUNICORN_GRACE, _gunicorn
from saferplan.jobs.supervisor import STOP_GRACE


def test_gunicorn_is_told_to_stop_its_workers_within_the_supervisors_grace() -> None:
    command = _gunicorn("127.0.0.1", 8000, 2, 4)
    given = int(command[command.index("--graceful-timeout") + 1])
    assert given == GUNICORN_GRACE
    assert given < STOP_GRACE
