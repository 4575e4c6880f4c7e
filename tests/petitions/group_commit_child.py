"""Sign from many greenlets at once under gevent, as a gevent web worker does; print JSON.

Run by test_group_commit.py with DATABASE_URL naming the test database, a petition id and the
test's own backend pid (spared when this script cuts the database connections).
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402 - gevent must patch the standard library first
import os  # noqa: E402
import sys  # noqa: E402

import django  # noqa: E402
import gevent  # noqa: E402


def main() -> None:
    petition_id, spare_pid = int(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import psycopg
    from django.db import connection

    from callingtime.petitions.models import Signature
    from callingtime.petitions.signing import signature_create

    def sign(name: str) -> dict[str, object]:
        try:
            signature_id = signature_create(
                petition_id=petition_id,
                name=name,
                email=f"{name.replace(' ', '.')[:40]}@example.org",
                postcode="N1 1AA",
                uk_resident=True,
                opt_in=False,
                ip_address="10.0.0.1",
            )
        except Exception as error:  # reported to the test, whatever it is
            return {"name": name, "error": type(error).__name__, "detail": str(error)[:300]}
        # Answered: the row must already be committed, seen from another connection.
        visible = Signature.objects.filter(pk=signature_id).exists()
        connection.close()
        return {"name": name, "id": signature_id, "visible": visible}

    def round_of(names: list[str]) -> list[dict[str, object]]:
        greenlets = [gevent.spawn(sign, name) for name in names]
        gevent.joinall(greenlets, raise_error=True)
        return [greenlet.value for greenlet in greenlets]

    rounds = {"together": round_of([f"Signer {n}" for n in range(60)])}
    rounds["one_bad"] = round_of([f"Second {n}" for n in range(9)] + ["x" * 101])
    # Every connection of this database dropped, as a PostgreSQL restart does.
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [spare_pid],
        )
    rounds["after_cut"] = round_of([f"Third {n}" for n in range(5)])
    rounds["reconnected"] = round_of([f"Fourth {n}" for n in range(5)])
    print(json.dumps(rounds))


if __name__ == "__main__":
    main()
