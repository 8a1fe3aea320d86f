from datetime import date

import pytest

from g287.registry.services import import_ice_sheets

from .sheets import write_lists


@pytest.fixture(autouse=True)
def own_var(settings, tmp_path):
    """Captures, copied originals and bundles go to this test's own folder, never the project's var/."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def lists(tmp_path, django_capture_on_commit_callbacks):
    """The hand-made lists imported one after another, the lineage signal run after each import."""

    def build(first: date = date(2025, 6, 2), keys=("part1", "pend1", "part2", "pend2", "part3")):
        files = write_lists(tmp_path / "lists", first)
        for key in keys:
            with django_capture_on_commit_callbacks(execute=True):
                report = import_ice_sheets([files[key]], progress=False)
            assert not report.errors
        return files

    return build


@pytest.fixture
def smtp():
    """A real SMTP server on localhost (aiosmtpd); ``smtp.messages`` are the e-mail messages it received."""
    import email
    import os
    from email import policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=int(os.environ.get("G287_TEST_SMTP_PORT", "8115")))
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_through(settings, smtp):
    """Django's SMTP backend pointed at the local server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", smtp.port, False
    settings.G287_SITE_URL = "http://testserver"
    return smtp


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server serving a folder (``http_server.root``) at ``http_server.url``."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    root = tmp_path / "site"
    root.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.root, server.url = root, f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def redis_queue(settings):
    """The ``changes`` queue on the test Redis (G287_TEST_REDIS_URL), emptied before and after."""
    import os

    from redis import Redis

    url = os.environ.get("G287_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    Redis.from_url(url).ping()  # the product runs on a real Redis; so do these tests
    settings.RQ_QUEUES = {**settings.RQ_QUEUES, "changes": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    from g287.changes import tasks

    q = tasks.queue()
    q.empty()
    yield q
    q.empty()
