"""Small OneRoster 1.1 bundles for tests, built from rows a test can change.

Cedar District has two schools. At Cedar Elementary, Ms Bell teaches Room
K1 (kindergarten) with Mr Haddad helping, and Mr Haddad teaches Room 1A;
Dr Cole leads the school. Ava Lopez and Mia Chen are in Room K1 (Mia also
takes Art, a scheduled class), Leo Lopez in Room 1A. Maria Lopez is the
mother of Ava and Leo (she lists them); Wei Chen is Mia's father (Mia lists
him). At Birch Elementary, Ms Stone teaches Birch K, where Zoe Park is. The
district also exports a district administrator and an aide.
"""

import copy
import csv
import io
import zipfile

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
    "demographics.csv": "sourcedId,status,dateLastModified,birthDate,sex",
}


def _user(sourced_id, role, username, given, family, orgs, **more):
    return {
        "sourcedId": sourced_id,
        "enabledUser": "true",
        "orgSourcedIds": orgs,
        "role": role,
        "username": username,
        "givenName": given,
        "familyName": family,
        **more,
    }


def _enrol(sourced_id, class_id, user, role, school="s1", primary="false"):
    return {
        "sourcedId": sourced_id,
        "classSourcedId": class_id,
        "schoolSourcedId": school,
        "userSourcedId": user,
        "role": role,
        "primary": primary,
    }


CEDAR = {
    "orgs.csv": [
        {"sourcedId": "d1", "name": "Cedar District", "type": "district"},
        {
            "sourcedId": "s1",
            "name": "Cedar Elementary",
            "type": "school",
            "parentSourcedId": "d1",
        },
        {
            "sourcedId": "s2",
            "name": "Birch Elementary",
            "type": "school",
            "parentSourcedId": "d1",
        },
    ],
    "academicSessions.csv": [
        {
            "sourcedId": "y1",
            "title": "2025-2026",
            "type": "schoolYear",
            "startDate": "2025-08-20",
            "endDate": "2026-06-12",
            "schoolYear": "2026",
        }
    ],
    "courses.csv": [
        {
            "sourcedId": "ck",
            "title": "Kindergarten",
            "orgSourcedId": "d1",
            "grades": "KG",
        },
        {"sourcedId": "c1", "title": "Grade 1", "orgSourcedId": "d1", "grades": "01"},
        {"sourcedId": "art", "title": "Art", "orgSourcedId": "d1", "grades": "KG,01"},
    ],
    "classes.csv": [
        {
            "sourcedId": "k1",
            "title": "Room K1",
            "grades": "KG",
            "courseSourcedId": "ck",
            "classCode": "K1",
            "classType": "homeroom",
            "schoolSourcedId": "s1",
            "termSourcedIds": "y1",
        },
        {
            "sourcedId": "1a",
            "title": "Room 1A",
            "grades": "01",
            "courseSourcedId": "c1",
            "classCode": "1A",
            "classType": "homeroom",
            "schoolSourcedId": "s1",
            "termSourcedIds": "y1",
        },
        {
            "sourcedId": "art1",
            "title": "Art",
            "grades": "",
            "courseSourcedId": "art",
            "classCode": "ART",
            "classType": "scheduled",
            "schoolSourcedId": "s1",
            "termSourcedIds": "y1",
        },
        {
            "sourcedId": "bk",
            "title": "Birch K",
            "grades": "KG",
            "courseSourcedId": "ck",
            "classCode": "BK",
            "classType": "homeroom",
            "schoolSourcedId": "s2",
            "termSourcedIds": "y1",
        },
    ],
    "users.csv": [
        _user("t1", "teacher", "nora.bell", "Nora", "Bell", "s1", email="nb@cedar.org"),
        _user("t2", "teacher", "omar.haddad", "Omar", "Haddad", "s1"),
        _user("t3", "teacher", "ivy.stone", "Ivy", "Stone", "s2"),
        _user("a1", "administrator", "dana.cole", "Dana", "Cole", "s1"),
        _user("a0", "administrator", "district.admin", "Dee", "Strict", "d1"),
        _user("x1", "aide", "sam.aide", "Sam", "Aide", "s1"),
        _user(
            "st1",
            "student",
            "ava.lopez",
            "Ava",
            "Lopez",
            "s1",
            identifier="S001",
            grades="KG",
        ),
        _user(
            "st2",
            "student",
            "leo.lopez",
            "Leo",
            "Lopez",
            "s1",
            identifier="S002",
            grades="01",
        ),
        _user(
            "st3",
            "student",
            "mia.chen",
            "Mia",
            "Chen",
            "s1",
            identifier="S003",
            grades="KG",
            agentSourcedIds="p2",
        ),
        _user(
            "st4",
            "student",
            "zoe.park",
            "Zoe",
            "Park",
            "s2",
            identifier="S004",
            grades="KG",
        ),
        _user(
            "p1",
            "parent",
            "maria.lopez",
            "Maria",
            "Lopez",
            "s1",
            agentSourcedIds="st1,st2",
        ),
        _user("p2", "guardian", "wei.chen", "Wei", "Chen", "s1"),
    ],
    "enrollments.csv": [
        _enrol("e1", "k1", "t1", "teacher", primary="true"),
        _enrol("e2", "k1", "t2", "teacher"),
        _enrol("e3", "1a", "t2", "teacher", primary="true"),
        _enrol("e4", "k1", "st1", "student"),
        _enrol("e5", "1a", "st2", "student"),
        _enrol("e6", "art1", "st3", "student"),
        _enrol("e7", "k1", "st3", "student"),
        _enrol("e8", "bk", "t3", "teacher", school="s2", primary="true"),
        _enrol("e9", "bk", "st4", "student", school="s2"),
    ],
}


def cedar() -> dict[str, list[dict[str, str]]]:
    """Return a fresh copy of the Cedar District rows, for a test to change."""
    return copy.deepcopy(CEDAR)


def row(files: dict, name: str, sourced_id: str) -> dict[str, str]:
    """Return the row of a file with this sourcedId, for a test to change."""
    return next(each for each in files[name] if each["sourcedId"] == sourced_id)


def csv_bytes(name: str, rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = HEADERS[name].split(",")
    writer.writerow(header)
    for each in rows:
        writer.writerow([each.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def make_bundle(
    files: dict | None = None,
    *,
    manifest: dict[str, str] | None = None,
    raw: dict[str, bytes] | None = None,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    """Return the zip of a bundle: ``files`` as CSV rows, ``raw`` as given bytes.

    The manifest lists every file as bulk, with ``manifest`` overriding its
    properties; ``leave_out`` names files to drop from the zip only (the
    manifest still lists them).
    """
    files = cedar() if files is None else files
    contents = {name: csv_bytes(name, rows) for name, rows in files.items()}
    contents.update(raw or {})
    properties = {"manifest.version": "1.0", "oneroster.version": "1.1"}
    for name in HEADERS:
        properties[f"file.{name[:-4]}"] = "bulk" if name in contents else "absent"
    properties.update(manifest or {})
    lines = ["propertyName,value"] + [
        f"{key},{value}" for key, value in properties.items()
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "\r\n".join(lines) + "\r\n")
        for name, data in contents.items():
            if name not in leave_out:
                archive.writestr(name, data)
    return buffer.getvalue()
