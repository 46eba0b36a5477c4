"""Time the OneRoster import on a generated district, then its re-import.

``generate_bundle(path, students, seed)`` writes a realistic OneRoster 1.1
CSV zip: one district of K–5 elementary schools with about 25 students per
homeroom class (20,000 students make 800 classes in 40 schools), a primary
teacher per class and a helping teacher in some, a leader per school, two
administrators of the district alone, and one or two guardians per family
(some families have two children in the district). Other benchmarks may
import it.

Run against PostgreSQL, as a district would:

    scripts/with-postgres .venv/bin/python bench/roster_import.py

Without ``DATABASE_URL`` a temporary SQLite database is used. The script
migrates the database, imports the bundle, prints the time and the rows
written, then imports the same bundle again, which must change nothing.
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

STUDENTS_PER_CLASS = 25
CLASSES_PER_SCHOOL = 20
GRADES = ("KG", "01", "02", "03", "04", "05")
GIVEN = (
    "Ana Ben Carla Dev Emeka Fatima Gus Hana Ivan Jade Kofi Lena Mateo Nia Omar "
    "Priya Quinn Rosa Sam Tariq Uma Vera Wen Xavi Yara Zane Aiko Bruno Chloe "
    "Diego Elif Farah Goran Hugo Iris Jonas Kaia Liam Maya Noor"
).split()
FAMILY = (
    "Adeyemi Bauer Chen Diaz Evans Fischer Garcia Haddad Ito Jansen Kowalski "
    "Lopez Moreau Nguyen Okafor Patel Quispe Rossi Silva Tanaka Umar Varga "
    "Walsh Xu Yilmaz Zhou Abara Brennan Costa Dubois"
).split()

HEADERS = {
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,"
    "endDate,parentSourcedId,schoolYear",
    "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,"
    "courseCode,grades,orgSourcedId,subjects,subjectCodes",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,"
    "classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,"
    "subjectCodes,periods",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,"
    "username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
    "agentSourcedIds,grades,password",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,"
    "schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
}


def _csv(header: str, rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def generate_bundle(path: Path, students: int = 20_000, seed: int = 1) -> Path:
    """Write a OneRoster 1.1 CSV zip of a district with ``students`` students.

    ``path`` is the zip to write, or a folder to write ``oneroster.zip`` in.
    The same seed always gives the same bundle. Returns the zip's path.
    """
    rng = random.Random(seed)
    path = Path(path)
    if path.is_dir():
        path = path / "oneroster.zip"
    classes_needed = max(1, round(students / STUDENTS_PER_CLASS))
    school_count = max(1, -(-classes_needed // CLASSES_PER_SCHOOL))

    orgs = [["d1", "", "", "Riverside Unified", "district", "RU", ""]]
    sessions = [
        [
            "y2025",
            "",
            "",
            "2025-2026",
            "schoolYear",
            "2025-08-20",
            "2026-06-12",
            "",
            "2026",
        ]
    ]
    courses, classes, users, enrollments = [], [], [], []
    used_usernames: set[str] = set()

    def username(given: str, family: str) -> str:
        base = f"{given}.{family}".lower()
        name, number = base, 1
        while name in used_usernames:
            number += 1
            name = f"{base}{number}"
        used_usernames.add(name)
        return name

    def person(
        role: str, orgs_cell: str, grades: str = "", agents: str = ""
    ) -> list[str]:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        login = username(given, family)
        sourced_id = f"u{len(users) + 1}"
        identifier = f"S{len(users) + 100000}" if role == "student" else ""
        email = "" if role == "student" else f"{login}@riverside.example.org"
        row = [
            sourced_id,
            "",
            "",
            "true",
            orgs_cell,
            role,
            login,
            "",
            given,
            family,
            "",
            identifier,
            email,
            "",
            "",
            agents,
            grades,
            "",
        ]
        users.append(row)
        return row

    for _ in range(2):
        person("administrator", "d1")
    for grade in GRADES:
        courses.append(
            [
                f"k-{grade}",
                "",
                "",
                "y2025",
                f"Grade {grade} homeroom",
                f"HR{grade}",
                grade,
                "d1",
                "",
                "",
            ]
        )

    made_students = 0
    class_number = 0
    for school_index in range(school_count):
        school = f"s{school_index + 1}"
        orgs.append(
            [
                school,
                "",
                "",
                f"{rng.choice(FAMILY)} Elementary {school_index + 1}",
                "school",
                f"E{school_index + 1:03d}",
                "d1",
            ]
        )
        person("administrator", school)
        teachers = []
        for _ in range(CLASSES_PER_SCHOOL):
            teachers.append(person("teacher", school)[0])
        for slot in range(CLASSES_PER_SCHOOL):
            if class_number >= classes_needed:
                break
            class_number += 1
            grade = GRADES[slot % len(GRADES)]
            class_id = f"c{class_number}"
            classes.append(
                [
                    class_id,
                    "",
                    "",
                    f"Room {slot + 1} (grade {grade})",
                    grade,
                    f"k-{grade}",
                    f"R{slot + 1:02d}",
                    "homeroom",
                    "",
                    school,
                    "y2025",
                    "",
                    "",
                    "",
                ]
            )
            enrollments.append(
                [
                    f"e{len(enrollments) + 1}",
                    "",
                    "",
                    class_id,
                    school,
                    teachers[slot],
                    "teacher",
                    "true",
                    "",
                    "",
                ]
            )
            if slot % 4 == 0:  # a helping teacher in a quarter of the classes
                helper = teachers[(slot + 1) % len(teachers)]
                enrollments.append(
                    [
                        f"e{len(enrollments) + 1}",
                        "",
                        "",
                        class_id,
                        school,
                        helper,
                        "teacher",
                        "false",
                        "",
                        "",
                    ]
                )
            in_class = min(STUDENTS_PER_CLASS, students - made_students)
            if class_number == classes_needed:
                in_class = students - made_students
            for _ in range(in_class):
                student = person("student", school, grades=grade)
                made_students += 1
                enrollments.append(
                    [
                        f"e{len(enrollments) + 1}",
                        "",
                        "",
                        class_id,
                        school,
                        student[0],
                        "student",
                        "false",
                        "",
                        "",
                    ]
                )

    # Families: one or two guardians, and a sibling for some.
    student_rows = [row for row in users if row[5] == "student"]
    rng.shuffle(student_rows)
    position = 0
    while position < len(student_rows):
        children = student_rows[position : position + (2 if rng.random() < 0.2 else 1)]
        position += len(children)
        agents = ",".join(child[0] for child in children)
        for _ in range(1 if rng.random() < 0.4 else 2):
            role = rng.choice(("parent", "parent", "parent", "guardian", "relative"))
            person(role, children[0][4], agents=agents)

    manifest = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
    files = {
        "orgs.csv": orgs,
        "academicSessions.csv": sessions,
        "courses.csv": courses,
        "classes.csv": classes,
        "users.csv": users,
        "enrollments.csv": enrollments,
    }
    for name in files:
        manifest.append([f"file.{name[:-4]}", "bulk"])
    for name in (
        "categories",
        "classResources",
        "courseResources",
        "demographics",
        "lineItems",
        "resources",
        "results",
    ):
        manifest.append([f"file.{name}", "absent"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", _csv("propertyName,value", manifest))
        for name, rows in files.items():
            archive.writestr(name, _csv(HEADERS[name], rows))
    return path


def _setup_django(folder: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "coplanner.settings.dev"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'roster.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="roster-bench-") as folder:
        bundle = generate_bundle(Path(folder), args.students, args.seed)
        vendor = _setup_django(Path(folder))
        from coplanner.roster.importing import record_roster_import

        data = bundle.read_bytes()
        print(f"bundle: {len(data) / 2**20:.1f} MB zipped, database: {vendor}")
        for attempt in ("first import", "re-import"):
            started, cpu = time.perf_counter(), time.process_time()
            result = record_roster_import(data)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            if not result.ok:
                for problem in result.problems[:20]:
                    print(problem.where, problem.value, problem.message)
                return 1
            counts = ", ".join(
                f"{kind} +{count.created} ~{count.updated} -{count.removed}"
                for kind, count in result.count_rows()
            )
            print(
                f"{attempt}: {seconds:.1f} s ({cpu:.1f} s of this process's CPU) "
                f"for {result.rows:,} rows; {counts}"
            )
            print(f"  changed: {'yes' if result.changed else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
