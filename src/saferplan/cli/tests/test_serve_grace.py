"""gunicorn must stop its web workers itself before the supervisor gives up on it: killed
first, it leaves its forked workers running after ``saferplan serve`` has ended."""

from saferplan.cli.serve import GUNICORN_GRACE, _gunicorn
from saferplan.jobs.supervisor import STOP_GRACE


def test_gunicorn_is_told_to_stop_its_workers_within_the_supervisors_grace() -> None:
    command = _gunicorn("127.0.0.1", 8000, 2, 4)
    given = int(command[command.index("--graceful-timeout") + 1])
    assert given == GUNICORN_GRACE
    assert given < STOP_GRACE


def test_web_workers_leave_ctrl_c_to_their_master() -> None:
    """A gthread worker given SIGINT and then its master's SIGQUIT deadlocked in its own
    handler (a live orphan found hours after a test's Ctrl-C, holding the port)."""
    import importlib
    import signal

    from saferplan.cli.serve import GUNICORN_HOOKS

    command = _gunicorn("127.0.0.1", 8000, 2, 4)
    assert command[command.index("--config") + 1] == f"python:{GUNICORN_HOOKS}"
    hooks = importlib.import_module(GUNICORN_HOOKS)
    previous = signal.getsignal(signal.SIGINT)
    try:
        hooks.post_worker_init(object())
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
