"""Both task backends for real: the database worker, and RQ workers on the local Redis."""

from __future__ import annotations

import os
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, task_backends

from ambassade.jobs.tests import sample_tasks

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


# The worker closes its database connection after a task: no wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_database_backend_runs_a_task(db):
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = sample_tasks.add.enqueue(a=20, b=22)
    assert result.status.value == "READY"
    call_command("worker", "--burst", stdout=StringIO(), stderr=StringIO())
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42


@pytest.fixture
def redis_queue():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required on CI but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: RQ backend tests skipped")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}},
        # django-tasks-rq reads results through the "default" connection.
        "RQ_QUEUES": {queue: {"URL": REDIS_URL}, "default": {"URL": REDIS_URL}},
    }
    with override_settings(**settings):
        yield queue
    for key in client.scan_iter(f"rq:*{queue}*"):
        client.delete(key)


def test_rq_backend_runs_a_task_with_a_burst_worker(db, redis_queue):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    task = sample_tasks.add.using(queue_name=redis_queue)
    result = task.enqueue(a=1, b=2)
    assert type(task.get_backend()).__name__ == "RQBackend"
    assert result.status.value == "READY"
    queue = django_rq.get_queue(redis_queue, job_class=Job)
    assert queue.count == 1
    # No fork: the test database lives in this process.
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3


def test_worker_command_runs_rq_workers(db, redis_queue):
    results = [sample_tasks.add.using(queue_name=redis_queue).enqueue(a=i, b=i) for i in range(3)]
    call_command("worker", "--burst", stdout=StringIO(), stderr=StringIO())
    for i, result in enumerate(results):
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == 2 * i
